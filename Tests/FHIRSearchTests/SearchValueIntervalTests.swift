import FHIRSearch
import GatewayStore
import Testing

/// The query side's helpers give the index's intervals.
@Suite("Search value intervals")
struct SearchValueIntervalTests {
    @Test("dates by precision, UTC without a zone, offsets applied")
    func dates() throws {
        func interval(_ text: String) -> (String, String)? {
            SearchDateInterval(lexeme: text).map { ($0.low.fhirInstant, $0.high.fhirInstant) }
        }
        #expect(interval("2016")! == ("2016-01-01T00:00:00.000000Z", "2016-12-31T23:59:59.999999Z"))
        #expect(interval("2016-02")! == ("2016-02-01T00:00:00.000000Z", "2016-02-29T23:59:59.999999Z"))
        #expect(interval("2016-12")! == ("2016-12-01T00:00:00.000000Z", "2016-12-31T23:59:59.999999Z"))
        #expect(interval("2016-03-04")! == ("2016-03-04T00:00:00.000000Z", "2016-03-04T23:59:59.999999Z"))
        #expect(interval("2016-03-04T10:30")! == ("2016-03-04T10:30:00.000000Z", "2016-03-04T10:30:59.999999Z"))
        #expect(interval("2016-03-04T10:30:15")! == ("2016-03-04T10:30:15.000000Z", "2016-03-04T10:30:15.999999Z"))
        #expect(interval("2016-03-04T10:30:15.5-05:00")! == ("2016-03-04T15:30:15.500000Z", "2016-03-04T15:30:15.599999Z"))
        #expect(interval("2016-03-04T10:30:15.123456789Z")! == ("2016-03-04T10:30:15.123456Z", "2016-03-04T10:30:15.123456Z"))
        #expect(interval("1969-12-31T23:59:59Z")!.0 == "1969-12-31T23:59:59.000000Z")
        for bad in ["", "16", "2016-13", "2016-02-30", "2016-01-01T25:00", "2016-01-01x", "2016-01-01T10:00+1:00"] {
            #expect(SearchDateInterval(lexeme: bad) == nil, "\(bad)")
        }
    }

    @Test("numbers by precision")
    func numbers() throws {
        let hundred = try #require(SearchNumberInterval(lexeme: "100"))
        #expect(hundred.low == 99.5 && hundred.high == 100.5)
        let small = try #require(SearchNumberInterval(lexeme: "5.40"))
        #expect(abs(small.low - 5.395) < 1e-12 && abs(small.high - 5.405) < 1e-12)
        let exponent = try #require(SearchNumberInterval(lexeme: "1e2"))
        #expect(exponent.low == 50 && exponent.high == 150)
        let negative = try #require(SearchNumberInterval(lexeme: "-1.5E-3"))
        #expect(abs(negative.low + 0.00155) < 1e-15 && abs(negative.high + 0.00145) < 1e-15)
        for bad in ["", "abc", "1.2.3", "--1", "1e", "."] { #expect(SearchNumberInterval(lexeme: bad) == nil, "\(bad)") }
    }
}
