import DenseLinearAlgebra
import FailureReporting
import FairMemCommands
import FairnessData
import FairnessModels
import Foundation
import Influence
import Memorizers
import Mitigation
import Testing
import _TestSupport

/// The `--json` schema of each empirical command is its library's report type: the binary's
/// output decodes into it.
@Suite struct EmpiricalReportDecodingTests {
  func run(_ arguments: [String]) throws -> Data {
    let result = try CLIRunner.run(arguments, workingDirectory: CLIRunner.packageRoot)
    #expect(result.status == 0, "stderr: \(result.stderr.suffix(400))")
    return Data(result.stdout.utf8)
  }

  @Test func reweightJSONDecodesIntoReweightingReport() throws {
    let data = try run(["reweight", "--dataset", "synthetic-group-size", "--method", "sim-jack", "--quick", "--json"])
    let report = try JSONDecoder().decode(ReweightingReport.self, from: data)
    #expect(report.method == .simJack && report.dataset == .syntheticGroupSize && report.seed == 0)
    #expect(report.result.selection?.gridCount == 50)
    #expect(report.sweep == nil)
    // Undefined values are written as null, never left out (JSONReportEncoder).
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["max_clipped_fraction"] is NSNull)
    let selection = try #require((object["result"] as? [String: Any])?["selection"] as? [String: Any])
    #expect(selection["accuracy_budget"] is NSNull)
  }

  @Test func compareJSONDecodesIntoComparisonReport() throws {
    let data = try run([
      "compare", "--settings", "synthetic-class-size-lr", "--splits", "2", "--methods", "drop-k", "--apply", "ij",
      "--quick", "--select-per-metric", "--json",
    ])
    let report = try JSONDecoder().decode(ComparisonReport.self, from: data)
    let setting = try #require(report.settings.first)
    #expect(setting.setting.name == "synthetic-class-size-lr" && setting.splits == 2)
    #expect(setting.rows.first?.arm == "ERM")
    #expect(setting.rows.first?.cells[.error]?.count == 2)
    #expect(setting.perMetricRows?.isEmpty == false)
  }

  @Test func validateJSONDecodesIntoValidationReport() throws {
    let data = try run([
      "validate", "--synthetic", "2", "--datasets", "none", "--mlp-populations", "0", "--random-memorizations", "1",
      "--quiet", "--json",
    ])
    let report = try JSONDecoder().decode(ValidationReport.self, from: data)
    #expect(report.synthetic.count == 2 && report.real.isEmpty)
    #expect(report.agrees)
  }
}

/// Errors carry their exit code: bad data 2, internal failures 3, whatever library threw them.
@Suite struct ExitCodeMappingTests {
  @Test func libraryErrorsMapThroughTheirFailureKind() {
    let cases: [(any Error, Int32)] = [
      (FairnessDataError.missingFile(path: "Data/raw/german.data"), 2),
      (ModelError.nonFiniteFeatures, 2),
      (ModelError.labelOutOfRange(index: 3, label: 7), 2),
      (ModelError.shapeMismatch("3 rows vs 4 labels"), 3),
      (InfluenceError.undefinedTarget(reason: "no positive sample in group 1"), 2),
      (
        InfluenceError.didNotConverge(
          method: .conjugateGradient(tolerance: 1e-8, maxIterations: 100), iterations: 100, residual: 0.5), 3
      ),
      (InfluenceError.notPositiveDefinite(dampingTried: [0, 1e-6]), 3),
      (LinearAlgebraError.singular(pivot: 2), 3),
      (LinearAlgebraError.didNotConverge(routine: "dsyevd", info: 4), 3),
      (MitigationInputError(field: "drop-k", "every weight is zero; lower λ or K"), 2),
    ]
    for (error, code) in cases {
      let (message, got) = FairMemCommand.failure(for: error)
      #expect(got == code, "\(error)")
      #expect(message.hasPrefix(code == 3 ? "internal error: " : "error: "), "\(message)")
      #expect((error as? any ClassifiedError)?.failureKind.exitCode == code)
    }
  }

  @Test func dataErrorsNameTheirField() {
    #expect(FairnessDataError.missingFile(path: "german.data").field == "german.data")
    #expect(FairnessDataError.invalidParameter(name: "fractions", problem: "sum above 1").field == "fractions")
    #expect(MitigationInputError(field: "german seed 0", "x").description == "german seed 0: x")
  }

  @Test func aMissingDatasetExitsWithTwo() throws {
    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("fairmem-none-\(UUID().uuidString)")
    let result = try CLIRunner.run(["reweight", "--dataset", "german", "--data-dir", empty.path, "--quick"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("fetch-datasets"))
  }
}
