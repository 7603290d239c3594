/// The notice that must accompany each disclosure of 42 CFR Part 2 records.
public enum RedisclosureNotice {
    /// The short form of the notice, 42 CFR §2.32(a), verbatim. The outbound worker
    /// attaches it to every message that carries Part 2 data (see `Disclosure.redisclosureNotice`).
    public static let part2ShortForm = "42 CFR part 2 prohibits unauthorized disclosure of these records."
}
