import FairMemJSON

/// JSON output of the commands. Theory commands print typed reports through
/// `JSONReportEncoder`; `text(_:pretty:)` serializes the untyped objects the empirical commands
/// (`validate`, `reweight`, `compare`) still build, with the same writer.
enum AnswerJSON {
  /// A typed report, keys sorted (`Docs/output-format.md` documents every report type).
  static func text<Report: Encodable>(report: Report, pretty: Bool = true) throws -> String {
    try JSONReportEncoder(pretty: pretty).text(report)
  }

  /// Serializes with sorted keys (stable output) by `JSONValue`'s writer. Non-finite numbers
  /// cannot occur: every reported value is finite by construction; if one were not, writing
  /// throws and the command fails loudly rather than printing a wrong number.
  static func text(_ object: Any, pretty: Bool = true) throws -> String {
    try JSONValue(object).text(pretty: pretty)
  }
}
