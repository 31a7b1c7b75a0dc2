import FairnessData
import Foundation
import Mitigation
import Testing
import _TestSupport

/// The experiment entry points behind `reweight` and `compare`, checked against each other and
/// against hand computations, and their reports' JSON coding.
@Suite("Experiments: reweighting and comparison reports")
struct ExperimentReportTests {
  @Test("mean ± 2 SE over splits is the sample mean and 2·s/√n, 0 for one value, nil for none")
  func splitSummaryMatchesTheFormula() throws {
    let s = try #require(SplitSummary([1, 2, 6]))
    #expect(s.mean == 3)
    // Sample variance ((−2)² + (−1)² + 3²)/2 = 7; 2·√(7/3).
    #expect(abs(s.twoStandardErrors - 2 * (7.0 / 3).squareRoot()) < 1e-15)
    #expect(s.count == 3)
    #expect(SplitSummary([4])?.twoStandardErrors == 0)
    #expect(SplitSummary([]) == nil)
  }

  @Test("settings parse as <dataset>-lr/-mlp or a synthetic name; unknown names are bad input")
  func settingNames() throws {
    let german = try ComparisonSetting(parsing: " german-lr ")
    #expect(german.dataset == .german && german.model == .lr && german.name == "german-lr")
    let synthetic = try ComparisonSetting(parsing: "synthetic-class-size")
    #expect(synthetic.dataset == .syntheticClassSize && synthetic.model == .mlp)
    #expect(ComparisonSetting.standard.map(\.name).count == 7)
    #expect(throws: MitigationInputError.self) { try ComparisonSetting(parsing: "german") }
    #expect(throws: MitigationInputError.self) { try ComparisonSetting(parsing: "mnist-lr") }
  }

  /// The comparison's cells are the mean ± 2 SE of what `ReweightingExperiment` reports on each
  /// split seed separately (an independent route through the same engines).
  @Test("a comparison row summarizes the per-split reweighting reports")
  func comparisonAgreesWithPerSplitReweighting() throws {
    let splits = 2
    let request = ComparisonRequest(
      settings: [try ComparisonSetting(parsing: "synthetic-group-size-lr")], splits: splits, methods: [.iJack],
      applications: [.ij], target: .equalizedOddsGapSum, quick: true)
    let report = try ComparisonExperiment.run(request)
    let setting = try #require(report.settings.first)
    #expect(setting.rows.map(\.arm) == ["ERM", "i-jack/ij"])
    var ermErrors: [Double] = []
    var methodDP: [Double] = []
    var predicted: [Double] = []
    for seed in 0..<UInt64(splits) {
      let single = try ReweightingExperiment.run(
        ReweightingRequest(
          dataset: .syntheticGroupSize, model: .lr, method: .iJack, target: .equalizedOddsGapSum, application: .ij,
          seed: seed,
          quick: true))
      ermErrors.append(single.erm.test.error)
      methodDP.append(single.result.test.demographicParity)
      predicted.append(single.result.predictedChange)
    }
    let erm = setting.rows[0].cells
    let method = setting.rows[1].cells
    #expect(erm[.error] == SplitSummary(ermErrors))
    #expect(method[.metric(.demographicParityDifference)] == SplitSummary(methodDP))
    #expect(method[.predicted] == SplitSummary(predicted))
    #expect(erm[.predicted] == nil, "ERM has no weighting")
  }

  @Test("reports survive a JSON round trip")
  func reportsRoundTrip() throws {
    let report = try ReweightingExperiment.run(
      ReweightingRequest(
        dataset: .syntheticClassSize, model: .lr, method: .dropK, target: .demographicParityDifference,
        application: .retrain,
        value: .count(3), seed: 2, quick: true, sweep: true, surrogate: .gumbel(temperature: 0.5, seed: 7)))
    let data = try JSONEncoder().encode(report)
    let decoded = try JSONDecoder().decode(ReweightingReport.self, from: data)
    #expect(decoded == report)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect((object["surrogate"] as? [String: Any])?["kind"] as? String == "gumbel")
    #expect(object["sweep"] != nil)
    #expect(report.result.selection == nil, "a given K is not selected")
    #expect(report.result.value == 3)
  }

  @Test("bad input: a λ for a drop rule is a MitigationInputError naming the method (exit 2)")
  func badValueIsBadInput() throws {
    #expect {
      try ReweightingExperiment.run(
        ReweightingRequest(dataset: .syntheticGroupSize, method: .dropK, value: .relativeLambda(0.5), quick: true))
    } throws: { error in
      guard let e = error as? MitigationInputError else { return false }
      return e.field == "drop-k" && e.failureKind.exitCode == 2
    }
  }
}
