import ArgumentParser
import FairMemJSON
import FairnessData
import FairnessStatistics
import Foundation
import MemorizationTheory
import Memorizers

/// `fairmem validate`: checks the theory against memorizing classifiers measured by counting.
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

  /// The selected real datasets (COMPAS with its two races, German with sex as the group).
  func realDatasets() throws -> [(name: String, dataset: RealDataset)] {
    let names = datasets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter {
      !$0.isEmpty && $0 != "none"
    }
    return try names.map { name in
      switch name {
      case "adult": return ("Adult", .adult)
      case "compas": return ("COMPAS", .compas(.twoRaces))
      case "german": return ("German", .german(.sex))
      default:
        throw InputError(field: "--datasets", problem: "unknown dataset '\(name)' (use adult, compas, german or none)")
      }
    }
  }

  func progress(_ text: String) {
    if !quiet { FileHandle.standardError.write(Data(text.utf8)) }
  }

  func run() throws {
    let real = try realDatasets()
    // Fail early (exit 2) when files are missing, before the synthetic part runs.
    if !real.isEmpty {
      try RealDataset.verifyFiles(Array(Set(real.flatMap { $0.dataset.fileNames })).sorted(), in: dataDirectory)
    }
    let started = Date()
    var syntheticResults: [PopulationValidation] = []
    for index in 0..<synthetic {
      progress("\r[validate] synthetic population \(index + 1)/\(synthetic)   ")
      let (name, population) = try ValidationPopulations.synthetic(index: index, seed: seed)
      let settings = ValidationSettings(
        randomMemorizations: randomMemorizations, radii: [0, 0.5], interpolatingMLP: index < mlpPopulations,
        mlpOptions: .init(hiddenWidth: mlpWidth, maximumEpochs: mlpEpochs), recordEntries: entries)
      syntheticResults.append(
        try TheoryValidator.validate(population, name: name, settings: settings, seed: seed &+ UInt64(index)))
    }
    if synthetic > 0 {
      progress(
        "\r[validate] \(synthetic) synthetic populations in \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n"
      )
    }
    var realResults: [(name: String, result: PopulationValidation)] = []
    for (name, dataset) in real {
      progress("[validate] \(name): loading, fitting logistic regression, validating\n")
      let population = try ValidationPopulations.real(dataset, directory: dataDirectory, seed: seed)
      let settings = ValidationSettings(
        randomMemorizations: randomMemorizations, radii: [], interpolatingMLP: false, recordEntries: entries)
      realResults.append((name, try TheoryValidator.validate(population, name: name, settings: settings, seed: seed)))
    }
    progress("[validate] done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n")

    if json {
      let object: [String: Any] = [
        "seed": seed,
        "settings": [
          "synthetic": synthetic, "datasets": real.map(\.name), "random_memorizations": randomMemorizations,
          "z": ValidationSettings().z,
          "nearest_neighbour_radii": synthetic > 0 ? [0, 0.5] : [Double](),
          "mlp_populations": min(mlpPopulations, synthetic),
          "mlp_width": mlpWidth, "mlp_epochs": mlpEpochs, "entries": entries,
        ] as [String: Any],
        "seconds": Date().timeIntervalSince(started),
        "synthetic": syntheticResults.map(Self.object),
        "real": realResults.map { Self.object($0.result) },
        "summary": Self.summaryRows(syntheticResults).map {
          ["check": $0.check, "instances": $0.instances, "agreeing": $0.agreeing, "worst": $0.worst] as [String: Any]
        },
        "answers": realResults.flatMap { item in
          item.result.metrics.map {
            ["dataset": item.name, "metric": $0.metric.rawValue, "sentence": Self.sentence(item.name, $0, item.result)]
          }
        },
      ]
      print(try AnswerJSON.text(object, pretty: !entries))
    } else {
      if !syntheticResults.isEmpty {
        print(
          "Synthetic populations: \(syntheticResults.count) (seed \(seed)); \(syntheticResults.filter(\.agrees).count) agree on every theorem-level check.\n"
        )
        var table = Table("check", "instances", "agreeing", "worst")
        for row in Self.summaryRows(syntheticResults) {
          table.add(row.check, "\(row.instances)", row.agreeing, row.worst)
        }
        print(table.render())
        print("")
      }
      for (name, result) in realResults {
        print(
          "\(name): logistic regression, test split N = \(result.recordCount), accuracy \(Format.percent(result.baseAccuracy)), smallest cell \(result.smallestCell)"
        )
        var table = Table(
          "metric", "base gap", "theory", "min mass", "records", "measured (strat.)", "bound", "measured (unif.)",
          "band", "agrees")
        for m in result.metrics {
          table.add(
            m.metric.rawValue, Format.number(m.baseGap), m.feasible ? "feasible" : "infeasible",
            Format.percent(m.minMass),
            m.records.map { "\($0)" } ?? "-", Format.number(m.measuredGapStratified), Format.number(m.boundStratified),
            Format.number(m.measuredGapUniform), Format.number(m.bandUniform), m.agrees ? "yes" : "NO")
        }
        print(table.render())
        for check in result.randomChecks {
          print(
            "  R1-R3 at \(randomMemorizations) random memorizations (\(check.mode.rawValue)): \(check.entriesWithinBand)/\(check.entriesChecked) entries within band, worst |measured - predicted| = \(Format.number(check.largestDeviation)) (\(String(format: "%.2f", check.largestDeviationOverBand)) of band)"
          )
        }
        for m in result.metrics { print("  " + Self.sentence(name, m, result)) }
        print("")
      }
    }
    let all = syntheticResults + realResults.map { $0.result }
    if check, !all.allSatisfy(\.agrees) { throw ExitCode(FairMemExitCode.infeasible) }
  }

  /// The plain answer for one dataset and metric.
  static func sentence(_ name: String, _ m: MetricValidation, _ result: PopulationValidation) -> String {
    let what = ["sp": "SP", "eopp": "EOpp", "eodds": "EOdds"][m.metric.rawValue] ?? m.metric.rawValue
    if m.feasible, let mass = m.minMass {
      return
        "To hide the \(what) bias of a logistic regression on \(name) by memorization, at least \(String(format: "%.2f", 100 * mass))% of the population must be memorized (\(m.records ?? 0) of \(result.recordCount) records)."
    }
    let checked = m.certificateVerified == true ? "a Farkas certificate was checked" : "no checked certificate"
    return
      "The \(what) bias of a logistic regression on \(name) cannot be hidden by cell-random memorization of any size (\(checked)); smallest gap left by any memorization tried: \(Format.number(m.smallestLookupGapTried))."
  }

  struct SummaryRow {
    var check: String
    var instances: Int
    var agreeing: String
    var worst: String
  }

  /// One row per kind of check over all synthetic populations.
  static func summaryRows(_ results: [PopulationValidation]) -> [SummaryRow] {
    var rows: [SummaryRow] = []
    for metric in FairnessMetric.gapVectors {
      let ms = results.compactMap { $0.metrics.first { $0.metric == metric } }
      let feasible = ms.filter(\.feasible)
      let ratioS = feasible.map { ($0.measuredGapStratified ?? 0) / max($0.boundStratified ?? 1, 1e-300) }.max() ?? 0
      let ratioU = feasible.map { ($0.measuredGapUniform ?? 0) / max($0.bandUniform ?? 1, 1e-300) }.max() ?? 0
      rows.append(
        .init(
          check: "\(metric.rawValue): zero bias at LP min mass, lookup, stratified (|gap| <= bound)",
          instances: feasible.count,
          agreeing: "\(feasible.filter { ($0.measuredGapStratified ?? 1) <= ($0.boundStratified ?? 0) }.count)",
          worst: String(format: "%.2f of bound", ratioS)))
      rows.append(
        .init(
          check: "\(metric.rawValue): zero bias at LP min mass, lookup, uniform (|gap| <= band)",
          instances: feasible.count,
          agreeing: "\(feasible.filter(\.agrees).count)", worst: String(format: "%.2f of band", ratioU)))
      let infeasible = ms.filter { !$0.feasible }
      if !infeasible.isEmpty || metric == .statisticalParity {
        rows.append(
          .init(
            check: "\(metric.rawValue): infeasible, certificate checked and every lookup memorization stays biased",
            instances: infeasible.count, agreeing: "\(infeasible.filter(\.agrees).count)",
            worst: "min gap \(Format.number(infeasible.compactMap(\.smallestLookupGapTried).min()))"))
        rows.append(
          .init(
            check: "\(metric.rawValue): infeasible, nearest-neighbour/MLP memorizers also stay biased (finding)",
            instances: infeasible.count, agreeing: "\(infeasible.filter { $0.stayedBiasedUnderAll == true }.count)",
            worst: "-"))
      }
    }
    for mode in MemorizationSetSelector.Mode.allCases {
      let checks = results.compactMap { $0.randomChecks.first { $0.mode == mode } }
      rows.append(
        .init(
          check: "R1-R3 entries at random memorizations, \(mode.rawValue) selection",
          instances: checks.map(\.entriesChecked).reduce(0, +),
          agreeing: "\(checks.map(\.entriesWithinBand).reduce(0, +))",
          worst: String(format: "%.2f of band", checks.map(\.largestDeviationOverBand).max() ?? 0)))
    }
    let all = results.flatMap(\.metrics)
    let radiusZero = all.compactMap(\.radiusZeroMatchesLookup)
    rows.append(
      .init(
        check: "nearest neighbour, radius 0 == lookup (exact predictions)", instances: radiusZero.count,
        agreeing: "\(radiusZero.filter { $0 }.count)", worst: "-"))
    func departure(_ label: String, _ value: (MetricValidation) -> Double?) {
      let pairs = all.filter(\.feasible).compactMap { m in value(m).map { abs($0 - (m.predictedGapForSet ?? 0)) } }
      guard !pairs.isEmpty else { return }
      let sorted = pairs.sorted()
      rows.append(
        .init(
          check: "\(label): |measured - predicted| largest gap at the LP set (finding)", instances: pairs.count,
          agreeing: "median \(Format.number(sorted[sorted.count / 2]))", worst: "max \(Format.number(sorted.last))"))
    }
    departure("nearest neighbour, radius 0.5") { $0.nearestNeighbourGaps.count > 1 ? $0.nearestNeighbourGaps[1] : nil }
    departure("interpolating MLP") { $0.mlpGap }
    let mlp = all.compactMap(\.mlpOffMemorizedAgreement)
    if !mlp.isEmpty {
      rows.append(
        .init(
          check: "interpolating MLP: fits D / keeps base prediction off D (finding)", instances: mlp.count,
          agreeing:
            "D fully fit: \(all.compactMap(\.mlpMemorizedAccuracy).filter { $0 == 1 }.count); D: \(Format.percent(all.compactMap(\.mlpMemorizedAccuracy).min())) min",
          worst: "off D: \(Format.percent(mlp.min())) min"))
    }
    return rows
  }

  /// JSON object of one population's validation.
  static func object(_ r: PopulationValidation) -> [String: Any] {
    func opt(_ x: Any?) -> Any { x ?? NSNull() }
    var object: [String: Any] = [
      "name": r.name, "records": r.recordCount, "groups": r.groupCount, "classes": r.classCount,
      "smallest_cell": r.smallestCell, "base_accuracy": r.baseAccuracy, "agrees": r.agrees,
      "metrics": r.metrics.map { m -> [String: Any] in
        [
          "metric": m.metric.rawValue, "base_gap": m.baseGap, "feasible": m.feasible, "min_mass": opt(m.minMass),
          "witness_verified": opt(m.witnessVerified), "certificate_verified": opt(m.certificateVerified),
          "records": opt(m.records), "record_fraction": opt(m.recordFraction),
          "measured_gap_stratified": opt(m.measuredGapStratified), "bound_stratified": opt(m.boundStratified),
          "measured_gap_uniform": opt(m.measuredGapUniform), "band_uniform": opt(m.bandUniform),
          "predicted_gap_for_set": opt(m.predictedGapForSet), "nearest_neighbour_gaps": m.nearestNeighbourGaps,
          "radius_zero_matches_lookup": opt(m.radiusZeroMatchesLookup), "mlp_gap": opt(m.mlpGap),
          "nearest_neighbour_off_memorized_agreement": m.nearestNeighbourOffMemorizedAgreement,
          "mlp_memorized_accuracy": opt(m.mlpMemorizedAccuracy),
          "mlp_off_memorized_agreement": opt(m.mlpOffMemorizedAgreement),
          "smallest_lookup_gap_tried": opt(m.smallestLookupGapTried),
          "stayed_biased_under_all": opt(m.stayedBiasedUnderAll),
          "agrees": m.agrees,
        ]
      },
      "random_checks": r.randomChecks.map {
        [
          "mode": $0.mode.rawValue, "entries": $0.entriesChecked, "within_band": $0.entriesWithinBand,
          "largest_deviation": $0.largestDeviation, "largest_deviation_over_band": $0.largestDeviationOverBand,
        ] as [String: Any]
      },
    ]
    if !r.entries.isEmpty {
      // Column-oriented (one array per field, one element per entry): compact and fast to write.
      let e = r.entries
      object["entries"] =
        [
          "memorizer": e.map(\.memorizer.rawValue), "radius": e.map { opt($0.radius) },
          "selection": e.map(\.selection.rawValue),
          "setting": e.map(\.setting.rawValue), "memorization": e.map { opt($0.memorization) },
          "metric": e.map(\.metric.rawValue),
          "entry": e.map(\.label), "predicted": e.map(\.predicted), "measured": e.map(\.measured),
          "band": e.map(\.band),
        ] as [String: Any]
    }
    return object
  }
}
