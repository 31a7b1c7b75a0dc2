import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory
import Testing
import _TestSupport

/// Every theory `--json` output is a type: the CLI's JSON (the golden outputs, which
/// `GoldenOutputTests` proves the binary prints) decodes into its report type, and encoding the
/// decoded value again gives the same bytes, so the type carries every field and nothing else.
@Suite struct ReportSchemaTests {
  static let expected = CLIRunner.packageRoot.appendingPathComponent("Tests/Golden/expected")

  static func golden(_ name: String) throws -> String {
    try String(contentsOf: expected.appendingPathComponent("\(name).out"), encoding: .utf8)
  }

  /// Decodes `text` as `Report` with FairMem's decoder and with Foundation's (an independent
  /// reader), and re-encodes it: the bytes must come back unchanged.
  static func roundTrip<Report: Codable & Equatable>(_ type: Report.Type, _ text: String, pretty: Bool = true) throws {
    let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
    let ours = try JSONReportDecoder().decode(Report.self, from: trimmed)
    let foundation = try JSONDecoder().decode(Report.self, from: Data(trimmed.utf8))
    #expect(ours == foundation)
    #expect(try JSONReportEncoder(pretty: pretty).text(ours) == trimmed)
  }

  @Test(arguments: [
    "analyze-example-json", "analyze-three-groups-json", "analyze-three-classes-exact-json",
    "analyze-convention-a-json", "analyze-empty-cell-json",
  ])
  func analyzeIsAnAnalysisReport(_ name: String) throws {
    try Self.roundTrip(AnalysisReport.self, try Self.golden(name))
  }

  @Test(arguments: ["bias-example-json", "bias-memorized-json", "bias-counts-exact-json", "bias-empty-cell-json"])
  func biasIsAClassifierBiasReport(_ name: String) throws {
    try Self.roundTrip(ClassifierBiasReport.self, try Self.golden(name))
  }

  @Test(arguments: ["stats-binary-json", "stats-intersectional-json", "stats-three-classes-json"])
  func statsIsAStatsReport(_ name: String) throws {
    try Self.roundTrip(StatsReport.self, try Self.golden(name))
  }

  @Test func feasibleAndBoundsAreAnswerReports() throws {
    for name in ["feasible-example-json", "bounds-exact-json", "bounds-three-classes-exact-json"] {
      try Self.roundTrip([MemorizationAnswerReport].self, try Self.golden(name))
    }
    for name in ["bounds-eopp-json", "feasible-three-groups-json"] {
      try Self.roundTrip(MemorizationAnswerReport.self, try Self.golden(name))
    }
    let exact = try JSONReportDecoder().decode(
      [MemorizationAnswerReport].self, from: try Self.golden("bounds-exact-json"))
    #expect(exact.allSatisfy { $0.exact != nil })
  }

  @Test func explainAndFrontierAreTheirReports() throws {
    try Self.roundTrip([EntryExplanationReport].self, try Self.golden("explain-example-json"))
    try Self.roundTrip([EntryExplanationReport].self, try Self.golden("explain-counts-json"))
    try Self.roundTrip([MetricFrontier].self, try Self.golden("frontier-example-json"))
    try Self.roundTrip(MetricFrontier.self, try Self.golden("frontier-three-groups-json"))
  }

  @Test func everySweepLineIsAnAnswerOrAFailure() throws {
    var answers = 0
    var failures = 0
    for line in try Self.golden("sweep-instances").split(separator: "\n").map(String.init) {
      if line.contains("\"error\":") {
        try Self.roundTrip(SweepFailureReport<JSONValue>.self, line, pretty: false)
        failures += 1
      } else {
        try Self.roundTrip(SweepAnswerReport<JSONValue>.self, line, pretty: false)
        answers += 1
      }
    }
    #expect(failures == 12)
    #expect(answers == 3 * (300 - 12))
  }
}
