import ArgumentParser
import FairMemJSON
import FairnessData
import FairnessStatistics
import Foundation
import Memorizers

/// `fairmem validate`: checks the theory against memorizing classifiers measured by counting
/// (`TheoryValidation.run`, rendered as tables or as `ValidationReport` JSON).
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract:
      "Check the theory empirically: realize its memorizations with real memorizing classifiers and measure their bias.",
    discussion: """
      On seeded synthetic populations and on the real datasets (logistic regression trained on the train split, evaluated on the test split), the least-mass zero-bias memorization of every metric is realized with whole records (lookup memorizer, cell-random selection) and its bias is measured by counting; random memorizations check R1-R3 entry by entry; infeasible answers must stay biased. Nearest-neighbour (radius in standardized units) and interpolating-MLP memorizers are measured against the theory's prediction as findings. See Docs/validation.md. Progress goes to standard error. Missing dataset files: run bash Scripts/fetch-datasets.sh (exit 2). With --check, exit 1 when a theorem-level check disagrees.
      """)

  @Option(help: "Number of synthetic populations (0 to skip).") var synthetic: Int = 200
  @Option(help: "Comma-separated real datasets among adult, compas, german ('none' to skip).") var datasets: String =
    "adult,compas,german"
  @Option(help: "Seed of populations, splits and memorized sets.") var seed: UInt64 = 0
  @Option(help: "Synthetic populations (the first ones) that also get the interpolating-MLP memorizer.")
  var mlpPopulations: Int = 10
  @Option(help: "Hidden units of the interpolating MLP memorizer.") var mlpWidth: Int = 64
  @Option(help: "Most training epochs of the interpolating MLP memorizer (it stops once it fits D).") var mlpEpochs:
    Int = 300
  @Option(help: "Random memorizations per population for the R1-R3 check.") var randomMemorizations: Int = 3
  @Option(help: "Directory of the raw dataset files.") var dataDirectory: String = RealDataset.defaultDirectory
  @Flag(help: "Print JSON instead of tables.") var json = false
  @Flag(
    help:
      "With --json: also list every compared metric entry (predicted, measured, band) per memorizer, running the nearest-neighbour memorizer at every random memorization and the MLP at the uniform ones."
  ) var entries = false
  @Flag(help: "Exit with 1 when a theorem-level check disagrees.") var check = false
  @Flag(help: "No progress on standard error.") var quiet = false

  func validate() throws {
    guard synthetic >= 0, synthetic <= 100_000 else {
      throw InputError(field: "--synthetic", problem: "must be in 0...100000")
    }
    guard mlpPopulations >= 0 else { throw InputError(field: "--mlp-populations", problem: "must be >= 0") }
    guard mlpWidth >= 1, mlpWidth <= 4096 else {
      throw InputError(field: "--mlp-width", problem: "must be in 1...4096")
    }
    guard mlpEpochs >= 0, mlpEpochs <= 100_000 else {
      throw InputError(field: "--mlp-epochs", problem: "must be in 0...100000")
    }
    guard randomMemorizations >= 0, randomMemorizations <= 1000 else {
      throw InputError(field: "--random-memorizations", problem: "must be in 0...1000")
    }
    guard !entries || json else { throw InputError(field: "--entries", problem: "needs --json") }
    _ = try realDatasets()
  }

  /// The selected real datasets.
  func realDatasets() throws -> [BenchmarkDataset] {
    try datasets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
      .filter { !$0.isEmpty && $0 != "none" }
      .map { name in
        guard let dataset = BenchmarkDataset(rawValue: name), !dataset.isSynthetic else {
          throw InputError(
            field: "--datasets", problem: "unknown dataset '\(name)' (use adult, compas, german or none)")
        }
        return dataset
      }
  }

  func run() throws {
    let request = ValidationRequest(
      syntheticPopulations: synthetic, realDatasets: try realDatasets(), seed: seed, mlpPopulations: mlpPopulations,
      mlpWidth: mlpWidth, mlpEpochs: mlpEpochs, randomMemorizations: randomMemorizations,
      dataDirectory: dataDirectory, recordEntries: entries)
    let report = try TheoryValidation.run(request) { text in
      if !quiet { FileHandle.standardError.write(Data(text.utf8)) }
    }
    print(json ? try JSONReportEncoder(pretty: !entries).text(report) : Self.render(report))
    if check, !report.agrees { throw ExitCode(FairMemExitCode.infeasible) }
  }

  /// The synthetic summary table, then one table, the R1-R3 lines and the answers per real dataset.
  static func render(_ report: ValidationReport) -> String {
    var out: [String] = []
    let synthetic = report.synthetic
    if !synthetic.isEmpty {
      out.append(
        "Synthetic populations: \(synthetic.count) (seed \(report.seed)); \(synthetic.filter(\.agrees).count) agree on every theorem-level check.\n"
      )
      var table = Table("check", "instances", "agreeing", "worst")
      for row in report.summary { table.add(row.check, "\(row.instances)", row.agreeing, row.worst) }
      out.append(table.render())
      out.append("")
    }
    for result in report.real {
      out.append(
        "\(result.name): logistic regression, test split N = \(result.recordCount), accuracy \(Format.percent(result.baseAccuracy)), smallest cell \(result.smallestCell)"
      )
      var table = Table(
        "metric", "base gap", "theory", "min mass", "records", "measured (strat.)", "bound", "measured (unif.)",
        "band", "agrees")
      for m in result.metrics {
        table.add(
          m.metric.rawValue, Format.number(m.baseGap), m.feasible ? "feasible" : "infeasible",
          Format.percent(m.minMass), m.records.map { "\($0)" } ?? "-", Format.number(m.measuredGapStratified),
          Format.number(m.boundStratified), Format.number(m.measuredGapUniform), Format.number(m.bandUniform),
          m.agrees ? "yes" : "NO")
      }
      out.append(table.render())
      for check in result.randomChecks {
        out.append(
          "  R1-R3 at \(report.settings.randomMemorizations) random memorizations (\(check.mode.rawValue)): \(check.entriesWithinBand)/\(check.entriesChecked) entries within band, worst |measured - predicted| = \(Format.number(check.largestDeviation)) (\(String(format: "%.2f", check.largestDeviationOverBand)) of band)"
        )
      }
      for answer in report.answers where answer.dataset == result.name { out.append("  " + answer.sentence) }
      out.append("")
    }
    return out.joined(separator: "\n")
  }
}
