public import FairnessData
public import FairnessStatistics
import Foundation
import MemorizationTheory
import NumberText

/// One `fairmem validate` run: how many synthetic populations, which real datasets, and the
/// memorizers' options.
public struct ValidationRequest: Sendable {
  /// Seeded synthetic populations `0..<syntheticPopulations` (see `ValidationPopulations.synthetic`).
  public var syntheticPopulations: Int
  /// Real benchmarks (``BenchmarkDataset/real``; a synthetic name is rejected).
  public var realDatasets: [BenchmarkDataset]
  /// The user's own CSV files, validated after the real benchmarks in the same way.
  public var csvDatasets: [CSVDatasetSource]
  /// Seed of populations, splits and memorized sets.
  public var seed: UInt64
  /// The first synthetic populations that also get the interpolating-MLP memorizer.
  public var mlpPopulations: Int
  /// Hidden units of the interpolating MLP (0: from D, `InterpolatingMLPMemorizer.Options.width`).
  public var mlpWidth: Int
  /// Most L-BFGS iterations of the interpolating MLP.
  public var mlpEpochs: Int
  /// Where the interpolating MLP's weights start (the construction, or random weights).
  public var mlpInitialization: InterpolatingMLPMemorizer.Initialization = .interpolating
  /// The base classifier of every population.
  public var baseModel: ClassifierChoice
  /// Whether the nearest-neighbour memorizer runs on the synthetic populations.
  public var nearestNeighbour: Bool
  /// Whether the interpolating MLP also runs on the real datasets.
  public var mlpOnRealDatasets: Bool
  /// Random memorizations per population for the R1-R3 check.
  public var randomMemorizations: Int
  public var dataDirectory: String
  /// Keep every compared metric entry (`PopulationValidation.entries`).
  public var recordEntries: Bool

  public init(
    syntheticPopulations: Int = 200, realDatasets: [BenchmarkDataset] = BenchmarkDataset.real, seed: UInt64 = 0,
    mlpPopulations: Int = 10, mlpWidth: Int = 0, mlpEpochs: Int = 1000, randomMemorizations: Int = 3,
    dataDirectory: String = RealDataset.defaultDirectory, recordEntries: Bool = false,
    baseModel: ClassifierChoice = .logisticRegression, nearestNeighbour: Bool = true, mlpOnRealDatasets: Bool = false,
    csvDatasets: [CSVDatasetSource] = []
  ) {
    self.csvDatasets = csvDatasets
    self.baseModel = baseModel
    self.nearestNeighbour = nearestNeighbour
    self.mlpOnRealDatasets = mlpOnRealDatasets
    self.syntheticPopulations = syntheticPopulations
    self.realDatasets = realDatasets
    self.seed = seed
    self.mlpPopulations = mlpPopulations
    self.mlpWidth = mlpWidth
    self.mlpEpochs = mlpEpochs
    self.randomMemorizations = randomMemorizations
    self.dataDirectory = dataDirectory
    self.recordEntries = recordEntries
  }

  /// Radii of the nearest-neighbour memorizer on the synthetic populations (standardized units).
  public static let syntheticRadii: [Double] = [0, 0.5]

  /// The interpolating MLP's options (`mlpWidth` 0: width from D).
  public var mlpOptions: InterpolatingMLPMemorizer.Options {
    .init(initialization: mlpInitialization, hiddenWidth: mlpWidth == 0 ? nil : mlpWidth, maximumEpochs: mlpEpochs)
  }
}

/// What `fairmem validate` reports (the schema of `validate --json`).
public struct ValidationReport: Codable, Sendable {
  /// The settings as run.
  public struct Settings: Codable, Sendable, Equatable {
    public var synthetic: Int
    /// Display names of the real datasets.
    public var datasets: [String]
    public var randomMemorizations: Int
    /// Standard deviations of the hypergeometric band of uniform selection.
    public var z: Double
    public var nearestNeighbourRadii: [Double]
    /// Synthetic populations that got the MLP memorizer (at most `synthetic`).
    public var mlpPopulations: Int
    public var mlpWidth: Int
    public var mlpEpochs: Int
    /// `interpolating` (the construction, the default) or `random`.
    public var mlpInitialization: InterpolatingMLPMemorizer.Initialization = .interpolating
    public var entries: Bool
    /// The base classifier (`lr`, `1nn`, `mlp-<width>`).
    public var baseModel: String = "lr"

    enum CodingKeys: String, CodingKey {
      case synthetic, datasets, z, entries
      case baseModel = "base_model"
      case randomMemorizations = "random_memorizations"
      case nearestNeighbourRadii = "nearest_neighbour_radii"
      case mlpPopulations = "mlp_populations"
      case mlpWidth = "mlp_width"
      case mlpEpochs = "mlp_epochs"
      case mlpInitialization = "mlp_initialization"
    }
  }

  /// One row of the synthetic summary: a kind of check, over how many instances it ran, how many
  /// agreed (or a finding), and the worst case, as printed.
  public struct SummaryRow: Codable, Sendable, Equatable {
    public var check: String
    public var instances: Int
    public var agreeing: String
    public var worst: String
  }

  /// The plain answer for one real dataset and metric.
  public struct Answer: Codable, Sendable, Equatable {
    public var dataset: String
    public var metric: FairnessMetric
    public var sentence: String
  }

  public var seed: UInt64
  public var settings: Settings
  public var seconds: Double
  public var synthetic: [PopulationValidation]
  public var real: [PopulationValidation]
  public var summary: [SummaryRow]
  public var answers: [Answer]

  /// Whether every theorem-level check on every population passed.
  public var agrees: Bool { (synthetic + real).allSatisfy(\.agrees) }
}

/// `fairmem validate`: the theory against memorizing classifiers on seeded synthetic populations
/// and the real benchmarks (see Docs/validation.md).
public enum TheoryValidation {
  /// Runs `request`; `progress` receives raw progress text (with carriage returns for the
  /// per-population counter).
  ///
  /// - Throws: `FairnessDataError.missingFile` before any work when a real dataset's files are
  ///   missing; `StatisticsError`, `LPFailure`, `ModelError` from the validation itself.
  public static func run(_ request: ValidationRequest, progress: ((String) -> Void)? = nil) throws
    -> ValidationReport
  {
    let real = try request.realDatasets.map { name throws(FairnessDataError) in
      guard let dataset = name.realDataset else {
        throw .invalidParameter(
          name: "datasets", problem: "\(name.rawValue) is not a real benchmark (adult, compas, german)")
      }
      return (name: name.displayName, dataset: dataset)
    }
    // Fail early (bad input) when files are missing or a CSV cannot be encoded, before the
    // synthetic part runs.
    if !real.isEmpty {
      try RealDataset.verifyFiles(Array(Set(real.flatMap { $0.dataset.fileNames })).sorted(), in: request.dataDirectory)
    }
    for csv in request.csvDatasets { _ = try csv.encode() }
    let sources =
      request.realDatasets.map(DatasetSource.benchmark) + request.csvDatasets.map(DatasetSource.csv)
    let started = Date()
    let count = request.syntheticPopulations
    var synthetic: [PopulationValidation] = []
    for index in 0..<count {
      progress?("\r[validate] synthetic population \(index + 1)/\(count)   ")
      let (name, population) = try ValidationPopulations.synthetic(
        index: index, seed: request.seed, baseModel: request.baseModel)
      let settings = ValidationSettings(
        randomMemorizations: request.randomMemorizations,
        radii: request.nearestNeighbour ? ValidationRequest.syntheticRadii : [],
        interpolatingMLP: index < request.mlpPopulations, mlpOptions: request.mlpOptions,
        recordEntries: request.recordEntries)
      synthetic.append(
        try TheoryValidator.validate(population, name: name, settings: settings, seed: request.seed &+ UInt64(index)))
    }
    if count > 0 {
      progress?(
        "\r[validate] \(count) synthetic populations in \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n"
      )
    }
    var realResults: [PopulationValidation] = []
    for source in sources {
      let name = source.displayName
      progress?("[validate] \(name): loading, fitting the base model (\(request.baseModel)), validating\n")
      let population = try ValidationPopulations.real(
        source, directory: request.dataDirectory, seed: request.seed, baseModel: request.baseModel)
      let settings = ValidationSettings(
        randomMemorizations: request.randomMemorizations, radii: [], interpolatingMLP: request.mlpOnRealDatasets,
        mlpOptions: request.mlpOptions, recordEntries: request.recordEntries)
      realResults.append(try TheoryValidator.validate(population, name: name, settings: settings, seed: request.seed))
    }
    progress?("[validate] done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n")
    return ValidationReport(
      seed: request.seed,
      settings: .init(
        synthetic: count, datasets: sources.map(\.displayName), randomMemorizations: request.randomMemorizations,
        z: ValidationSettings().z, nearestNeighbourRadii: count > 0 ? ValidationRequest.syntheticRadii : [],
        mlpPopulations: min(request.mlpPopulations, count), mlpWidth: request.mlpWidth,
        mlpEpochs: request.mlpEpochs, mlpInitialization: request.mlpInitialization, entries: request.recordEntries,
        baseModel: request.baseModel.description),
      seconds: Date().timeIntervalSince(started), synthetic: synthetic, real: realResults,
      summary: summaryRows(synthetic),
      answers: realResults.flatMap { result in
        result.metrics.map {
          .init(
            dataset: result.name, metric: $0.metric,
            sentence: sentence($0, result, base: request.baseModel.descriptionWithArticle))
        }
      })
  }

  /// The plain answer for one metric of a real dataset (`result.name`).
  static func sentence(
    _ m: MetricValidation, _ result: PopulationValidation, base: String = "a logistic regression"
  ) -> String {
    let name = result.name
    let what =
      switch m.metric {
      case .statisticalParity: "SP"
      case .equalOpportunity: "EOpp"
      case .equalizedOdds: "EOdds"
      default: m.metric.rawValue
      }
    if m.feasible, let mass = m.minMass {
      return
        "To hide the \(what) bias of \(base) on \(name) by memorization, at least \(String(format: "%.2f", 100 * mass))% of the population must be memorized (\(m.records ?? 0) of \(result.recordCount) records)."
    }
    let checked = m.certificateVerified == true ? "a Farkas certificate was checked" : "no checked certificate"
    return
      "The \(what) bias of \(base) on \(name) cannot be hidden by cell-random memorization of any size (\(checked)); smallest gap left by any memorization tried: \(NumberText.number(m.smallestLookupGapTried))."
  }

  /// One row per kind of check over all synthetic populations: the theorem-level checks (zero
  /// bias within the stratified bound or the uniform band at the LP's least mass; certificates
  /// and lookup memorizations that stay biased when infeasible; R1-R3 at random memorizations;
  /// radius 0 equals lookup) and the findings (nearest neighbour at radius 0.5, interpolating MLP).
  static func summaryRows(_ results: [PopulationValidation]) -> [ValidationReport.SummaryRow] {
    typealias Row = ValidationReport.SummaryRow
    var rows: [Row] = []
    for metric in FairnessMetric.gapVectors {
      let ms = results.compactMap { $0.metrics.first { $0.metric == metric } }
      let feasible = ms.filter(\.feasible)
      let ratioS = feasible.map { ($0.measuredGapStratified ?? 0) / max($0.boundStratified ?? 1, 1e-300) }.max() ?? 0
      let ratioU = feasible.map { ($0.measuredGapUniform ?? 0) / max($0.bandUniform ?? 1, 1e-300) }.max() ?? 0
      rows.append(
        Row(
          check: "\(metric.rawValue): zero bias at LP min mass, lookup, stratified (|gap| <= bound)",
          instances: feasible.count,
          agreeing: "\(feasible.filter { ($0.measuredGapStratified ?? 1) <= ($0.boundStratified ?? 0) }.count)",
          worst: String(format: "%.2f of bound", ratioS)))
      rows.append(
        Row(
          check: "\(metric.rawValue): zero bias at LP min mass, lookup, uniform (|gap| <= band)",
          instances: feasible.count,
          agreeing: "\(feasible.filter(\.agrees).count)", worst: String(format: "%.2f of band", ratioU)))
      let infeasible = ms.filter { !$0.feasible }
      if !infeasible.isEmpty || metric == .statisticalParity {
        rows.append(
          Row(
            check: "\(metric.rawValue): infeasible, certificate checked and every lookup memorization stays biased",
            instances: infeasible.count, agreeing: "\(infeasible.filter(\.agrees).count)",
            worst: "min gap \(NumberText.number(infeasible.compactMap(\.smallestLookupGapTried).min()))"))
        rows.append(
          Row(
            check: "\(metric.rawValue): infeasible, nearest-neighbour/MLP memorizers also stay biased (finding)",
            instances: infeasible.count, agreeing: "\(infeasible.filter { $0.stayedBiasedUnderAll == true }.count)",
            worst: "-"))
      }
    }
    for mode in MemorizationSetSelector.Mode.allCases {
      let checks = results.compactMap { $0.randomChecks.first { $0.mode == mode } }
      rows.append(
        Row(
          check: "R1-R3 entries at random memorizations, \(mode.rawValue) selection",
          instances: checks.map(\.entriesChecked).reduce(0, +),
          agreeing: "\(checks.map(\.entriesWithinBand).reduce(0, +))",
          worst: String(format: "%.2f of band", checks.map(\.largestDeviationOverBand).max() ?? 0)))
    }
    let all = results.flatMap(\.metrics)
    let radiusZero = all.compactMap(\.radiusZeroMatchesLookup)
    rows.append(
      Row(
        check: "nearest neighbour, radius 0 == lookup (exact predictions)", instances: radiusZero.count,
        agreeing: "\(radiusZero.filter { $0 }.count)", worst: "-"))
    func departure(_ label: String, _ value: (MetricValidation) -> Double?) {
      let pairs = all.filter(\.feasible).compactMap { m in value(m).map { abs($0 - (m.predictedGapForSet ?? 0)) } }
      guard !pairs.isEmpty else { return }
      let sorted = pairs.sorted()
      rows.append(
        Row(
          check: "\(label): |measured - predicted| largest gap at the LP set (finding)", instances: pairs.count,
          agreeing: "median \(NumberText.number(sorted[sorted.count / 2]))",
          worst: "max \(NumberText.number(sorted.last))"))
    }
    departure("nearest neighbour, radius 0.5") { $0.nearestNeighbourGaps.count > 1 ? $0.nearestNeighbourGaps[1] : nil }
    departure("interpolating MLP") { $0.mlpGap }
    let fits = all.compactMap(\.mlpFit)
    if !fits.isEmpty {
      rows.append(
        Row(
          check: "interpolating MLP: fits D completely / keeps the base prediction on >= 99% off D (per run)",
          instances: fits.count,
          agreeing:
            "\(fits.filter(\.fitsMemorizedSet).count) / \(fits.filter { $0.offMemorizedAgreement >= 0.99 }.count)",
          worst:
            "widths \(fits.map(\.hiddenWidth).min() ?? 0)-\(fits.map(\.hiddenWidth).max() ?? 0), conflicts \(fits.map(\.conflictingMemorized).reduce(0, +))"
        ))
    }
    let randomFits = results.flatMap(\.mlpRandomFits)
    if !randomFits.isEmpty {
      rows.append(
        Row(
          check:
            "interpolating MLP at random memorizations (uniform): fits D completely / keeps >= 99% off D (per run)",
          instances: randomFits.count,
          agreeing:
            "\(randomFits.filter(\.fitsMemorizedSet).count) / \(randomFits.filter { $0.offMemorizedAgreement >= 0.99 }.count)",
          worst: "conflicts \(randomFits.map(\.conflictingMemorized).reduce(0, +))"))
    }
    let within = all.compactMap(\.mlpWithinBound)
    if !within.isEmpty {
      let explained = all.filter { $0.mlpWithinBound == false && $0.mlpDepartureExplained == true }.count
      rows.append(
        Row(
          check: "interpolating MLP: zero bias at LP min mass within the lookup's bound / else explained by spill-over",
          instances: within.count, agreeing: "\(within.filter { $0 }.count) / \(explained)",
          worst: "max spill-over \(NumberText.number(all.compactMap(\.mlpLargestSpillOver).max()))"))
    }
    let mlpRandom = results.flatMap(\.entries).filter { $0.memorizer == .mlp && $0.setting == .random }
    if !mlpRandom.isEmpty {
      let within = mlpRandom.filter { abs($0.measured - $0.predicted) <= $0.band }
      let explained = mlpRandom.filter {
        abs($0.measured - $0.predicted) > $0.band
          && abs($0.measured - $0.predicted) <= $0.band + ($0.spillOver ?? 0) + 1e-12
      }
      rows.append(
        Row(
          check:
            "interpolating MLP: R1-R3 entries at random memorizations within the lookup's band / else explained by spill-over",
          instances: mlpRandom.count, agreeing: "\(within.count) / \(explained.count)",
          worst: "max spill-over \(NumberText.number(mlpRandom.compactMap(\.spillOver).max()))"))
    }
    let mlp = all.compactMap(\.mlpOffMemorizedAgreement)
    if !mlp.isEmpty {
      let fitted = all.compactMap(\.mlpMemorizedAccuracy)
      rows.append(
        Row(
          check: "interpolating MLP: fits D / keeps base prediction off D (finding)", instances: mlp.count,
          agreeing:
            "D fully fit: \(fitted.filter { $0 == 1 }.count); D: \(NumberText.percent(fitted.min())) min",
          worst: "off D: \(NumberText.percent(mlp.min())) min"))
    }
    return rows
  }
}
