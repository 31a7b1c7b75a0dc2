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
      On seeded synthetic populations and on the real datasets (logistic regression trained on the train split, evaluated on the test split), the least-mass zero-bias memorization of every metric is realized with whole records (lookup memorizer, cell-random selection) and its bias is measured by counting; random memorizations check R1-R3 entry by entry; infeasible answers must stay biased. Nearest-neighbour (radius in standardized units) and interpolating-MLP memorizers are measured against the theory's prediction as findings. See Docs/validation.md. Progress goes to standard error. Missing dataset files: run bash Scripts/fetch-datasets.sh (exit 2). Your own data: --csv FILE --label COL --group COL... [--features COL...] [--categorical COL...] [--positive VALUE] is validated like the real datasets (70/15/15 split by label x group, numeric features standardized on train; --synthetic and --datasets then default to 0 and none). With --check, exit 1 when a theorem-level check disagrees.
      """)

  @Option(help: "Number of synthetic populations (0 to skip; default 200, 0 with --csv).") var synthetic: Int?
  @Option(
    help: "Comma-separated real datasets among adult, compas, german ('none' to skip; default all, none with --csv).")
  var datasets: String?
  @Option(help: "Seed of populations, splits and memorized sets.") var seed: UInt64 = 0
  @Option(help: "Synthetic populations (the first ones) that also get the interpolating-MLP memorizer.")
  var mlpPopulations: Int = 10
  @Option(
    help:
      "Hidden units of the interpolating MLP memorizer (0: from D; interpolating: one per class plus one per record of D the base classifier gets wrong; random: 2 per such record, 32...512)."
  ) var mlpWidth: Int = 0
  @Option(help: "Most L-BFGS iterations of the interpolating MLP memorizer (it stops once it fits its targets).")
  var mlpEpochs: Int = 1000
  @Option(
    help:
      "Where the interpolating MLP's weights start: interpolating (the interpolating construction, trained only if it misses a target) or random (trained from random weights)."
  ) var mlpInitialization: String = "interpolating"
  @Option(
    help:
      "Memorizers besides the lookup (the theory's own): comma-separated among nearest-neighbour, mlp, all, none. The MLP runs on the first --mlp-populations synthetic populations, and on the real datasets only when named explicitly."
  ) var memorizer: String = "all"
  @Option(help: "Base classifier of the theory mode: lr, 1nn or mlp-<width>.") var baseModel: String = "lr"
  @Option(
    help:
      "theory (check the theory with memorizers that realize its memorizations) or memorization (memorization in the wild: cross-fitted models on --datasets among adult, compas, german, synthetic; see Docs/validation.md)."
  ) var mode: String = "theory"
  @OptionGroup var memorization: MemorizationModeOptions
  @Option(help: "Random memorizations per population for the R1-R3 check.") var randomMemorizations: Int = 3
  @Option(help: "Directory of the raw dataset files.") var dataDirectory: String = RealDataset.defaultDirectory
  @Flag(help: "Print JSON instead of tables.") var json = false
  @Flag(
    help:
      "With --json: also list every compared metric entry (predicted, measured, band) per memorizer, running the nearest-neighbour memorizer at every random memorization and the MLP at the uniform ones."
  ) var entries = false
  @Flag(help: "Exit with 1 when a theorem-level check disagrees.") var check = false
  @Flag(help: "No progress on standard error.") var quiet = false
  @OptionGroup var data: DatasetSourceOptions

  /// `--synthetic`, defaulting to 200 (0 with `--csv`).
  var syntheticCount: Int { synthetic ?? (data.csv == nil ? 200 : 0) }
  /// `--datasets`, defaulting to the three real benchmarks (none with `--csv`).
  var datasetNames: String { datasets ?? (data.csv == nil ? "adult,compas,german" : "none") }

  func validate() throws {
    guard syntheticCount >= 0, syntheticCount <= 100_000 else {
      throw InputError(field: "--synthetic", problem: "must be in 0...100000")
    }
    guard mlpPopulations >= 0 else { throw InputError(field: "--mlp-populations", problem: "must be >= 0") }
    guard mlpWidth >= 0, mlpWidth <= 4096 else {
      throw InputError(field: "--mlp-width", problem: "must be in 0...4096")
    }
    guard mode == "theory" || mode == "memorization" else {
      throw InputError(field: "--mode", problem: "must be theory or memorization")
    }
    _ = try ClassifierChoice.parse(baseModel, field: "--base-model")
    _ = try memorizers()
    guard InterpolatingMLPMemorizer.Initialization(rawValue: mlpInitialization) != nil else {
      throw InputError(field: "--mlp-initialization", problem: "use interpolating or random")
    }
    guard mlpEpochs >= 0, mlpEpochs <= 100_000 else {
      throw InputError(field: "--mlp-epochs", problem: "must be in 0...100000")
    }
    guard randomMemorizations >= 0, randomMemorizations <= 1000 else {
      throw InputError(field: "--random-memorizations", problem: "must be in 0...1000")
    }
    guard !entries || json else { throw InputError(field: "--entries", problem: "needs --json") }
    if mode == "memorization" {
      _ = try memorization.settings()
      if data.csv != nil { throw InputError(field: "--csv", problem: "applies to --mode theory") }
    } else {
      _ = try realDatasets()
    }
  }

  /// The memorizers asked for: (nearest neighbour, MLP on synthetic populations, MLP on real datasets).
  func memorizers() throws -> (nearestNeighbour: Bool, mlp: Bool, mlpOnReal: Bool) {
    let names = memorizer.split(separator: ",").map { $0.lowercased() }
    for name in names where !["nearest-neighbour", "mlp", "all", "none", "lookup"].contains(name) {
      throw InputError(
        field: "--memorizer", problem: "unknown memorizer '\(name)' (use nearest-neighbour, mlp, all or none)")
    }
    let all = names.contains("all")
    return (all || names.contains("nearest-neighbour"), all || names.contains("mlp"), names.contains("mlp"))
  }

  /// The selected real datasets.
  func realDatasets() throws -> [BenchmarkDataset] {
    guard !datasetNames.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw InputError(field: "--datasets", problem: "is empty (use adult, compas, german or none)")
    }
    return try datasetNames.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
      .filter { !$0.isEmpty && $0 != "none" }
      .map { name in
        guard let dataset = BenchmarkDataset(rawValue: name), !dataset.isSynthetic else {
          throw InputError(
            field: "--datasets", problem: "unknown dataset '\(name)' (use adult, compas, german or none)")
        }
        return dataset
      }
  }

  func progress(_ text: String) {
    if !quiet { FileHandle.standardError.write(Data(text.utf8)) }
  }

  func run() throws {
    if mode == "memorization" {
      let names = datasetNames.split(separator: ",").map { String($0).lowercased() }.filter { $0 != "none" }
      try memorization.run(datasets: names, directory: dataDirectory, seed: seed, json: json, progress: progress)
      return
    }
    let chosen = try memorizers()
    var request = ValidationRequest(
      syntheticPopulations: syntheticCount, realDatasets: try realDatasets(), seed: seed,
      mlpPopulations: chosen.mlp ? mlpPopulations : 0, mlpWidth: mlpWidth, mlpEpochs: mlpEpochs,
      randomMemorizations: randomMemorizations, dataDirectory: dataDirectory, recordEntries: entries,
      baseModel: try ClassifierChoice.parse(baseModel, field: "--base-model"),
      nearestNeighbour: chosen.nearestNeighbour, mlpOnRealDatasets: chosen.mlpOnReal,
      csvDatasets: data.source.map { [$0] } ?? [])
    request.mlpInitialization = InterpolatingMLPMemorizer.Initialization(rawValue: mlpInitialization) ?? .interpolating
    let report = try TheoryValidation.run(request, progress: progress)
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
        "\(result.name): \(report.settings.baseModel == "lr" ? "logistic regression" : "base model \(report.settings.baseModel)"), test split N = \(result.recordCount), accuracy \(Format.percent(result.baseAccuracy)), smallest cell \(result.smallestCell)"
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
