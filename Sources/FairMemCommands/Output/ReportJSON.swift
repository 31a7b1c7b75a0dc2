import Foundation
import MemorizationTheory

/// Writes a library's typed report as `fairmem`'s JSON: keys sorted, numbers in Swift's shortest
/// round-trip form (integral values without a fraction), by `JSONValue`'s writer.
///
/// Interim: encodes with Foundation and re-reads with `JSONReader` (exact `Double(String)`
/// parsing; `JSONSerialization` on Linux loses the last digit) until the report encoder of the
/// JSON module replaces it.
enum ReportJSON {
  static func text(_ report: some Encodable, pretty: Bool = true) throws -> String {
    let data = try JSONEncoder().encode(report)
    return try JSONValue(JSONReader.parse(Array(data))).text(pretty: pretty)
  }
}
