public import FairnessData
public import FairnessStatistics
import Foundation
public import Influence

/// A data setting of `fairmem compare`: a dataset and a classifier family, named
/// `<dataset>-lr` / `<dataset>-mlp`, or a synthetic dataset alone (then an MLP, as in seed 004).
/// A CSV file is a setting `<file name>-lr` / `<file name>-mlp`.
public struct ComparisonSetting: Sendable, Hashable, Codable {
  /// The name as given (`adult-mlp`, `german-lr`, `synthetic-group-size`, ...).
  public var name: String
  public var dataset: DatasetSource
  public var model: ModelKind

  /// The settings of the paper tables: seed 001's Adult MLP, seed 004's logistic regressions
  /// (Table 4) and synthetic bias types (Table 7).
  public static let standard: [ComparisonSetting] =
    [
      .init(name: "adult-mlp", dataset: .adult, model: .mlp), .init(name: "adult-lr", dataset: .adult, model: .lr),
      .init(name: "german-lr", dataset: .german, model: .lr), .init(name: "compas-lr", dataset: .compas, model: .lr),
    ]
    + [BenchmarkDataset.syntheticGroupSize, .syntheticDistributionShift, .syntheticClassSize].map {
      .init(name: $0.rawValue, dataset: $0, model: .mlp)
    }

  init(name: String, dataset: BenchmarkDataset, model: ModelKind) {
    self.name = name
    self.dataset = .benchmark(dataset)
    self.model = model
  }

  /// The setting of a CSV file with a classifier family, named `<file name>-<model>`.
  public init(csv: CSVDatasetSource, model: ModelKind) {
    self.name = "\(csv.name)-\(model.rawValue)"
    self.dataset = .csv(csv)
    self.model = model
  }

  /// Parses `<dataset>-lr`, `<dataset>-mlp` or a synthetic dataset name.
  ///
  /// - Throws: ``MitigationInputError`` (field `settings`) for an unknown name.
  public init(parsing text: String) throws(MitigationInputError) {
    let s = text.trimmingCharacters(in: .whitespaces)
    if s.hasSuffix("-lr") || s.hasSuffix("-mlp"), let cut = s.lastIndex(of: "-"),
      let d = BenchmarkDataset(rawValue: String(s[..<cut])),
      let m = ModelKind(rawValue: String(s[s.index(after: cut)...]))
    {
      self.init(name: s, dataset: d, model: m)
      return
    }
    if let d = BenchmarkDataset(rawValue: s), d.isSynthetic {
      self.init(name: s, dataset: d, model: .mlp)
      return
    }
    throw MitigationInputError(
      field: "settings",
      "unknown setting '\(s)'; known: \(Self.standard.map(\.name).joined(separator: ", "))")
  }

  enum CodingKeys: String, CodingKey {
    case name, dataset, model
  }

  /// A benchmark setting is its name; a CSV setting is `{"name", "dataset", "model"}`.
  public init(from decoder: any Decoder) throws {
    if let name = try? decoder.singleValueContainer().decode(String.self) {
      self = try ComparisonSetting(parsing: name)
      return
    }
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    dataset = try c.decode(DatasetSource.self, forKey: .dataset)
    model = try c.decode(ModelKind.self, forKey: .model)
  }

  public func encode(to encoder: any Encoder) throws {
    guard case .csv = dataset else {
      var c = encoder.singleValueContainer()
      try c.encode(name)
      return
    }
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(dataset, forKey: .dataset)
    try c.encode(model, forKey: .model)
  }
}

/// An arm of `fairmem compare` computed outside this module (optimal steering and the group-free
/// methods live in modules that depend on Mitigation, so they plug in here instead of being called
/// from here). For each setting and split seed it receives the same split ERM is trained on and
/// returns its classifier's test evaluation, or nil with the reason it does not apply to the
/// setting.
public protocol ComparisonArm: Sendable {
  /// The row name (distinct from `ERM` and `<method>/<application>`).
  var name: String { get }
  /// Trains on `split.train` (the validation split may select hyperparameters or the epoch) and
  /// evaluates on `split.test`; `seed` is the split seed, for arms that draw random numbers.
  func evaluate(setting: ComparisonSetting, split: Split, seed: UInt64) throws -> (
    test: EvaluationReport?, note: String?
  )
}

/// One `fairmem compare` run: every setting, every method and application, over seeded splits.
public struct ComparisonRequest: Sendable {
  public var settings: [ComparisonSetting]
  /// Split seeds `0..<splits`.
  public var splits: Int
  public var methods: [MitigationMethod]
  public var applications: [WeightApplication]
  /// The gap the seed-001 rules minimize and the selection minimizes.
  public var target: FairnessMetric
  public var accuracyBudget: Double?
  public var maxClippedFraction: Double?
  /// Also select λ/K for each of DP, EO and DEO and report each metric at its own selection.
  public var selectPerMetric: Bool
  public var surrogate: SmoothSurrogate
  public var dataDirectory: String
  public var quick: Bool
  /// Extra arms (for example the steering interventions), after ERM and before the methods.
  public var arms: [any ComparisonArm]

  public init(
    settings: [ComparisonSetting] = ComparisonSetting.standard, splits: Int = 10,
    methods: [MitigationMethod] = MitigationMethod.allCases, applications: [WeightApplication] = [.ij, .retrain],
    target: FairnessMetric = .equalizedOddsGapSum, accuracyBudget: Double? = nil, maxClippedFraction: Double? = nil,
    selectPerMetric: Bool = false, surrogate: SmoothSurrogate = .softmax,
    dataDirectory: String = RealDataset.defaultDirectory, quick: Bool = false, arms: [any ComparisonArm] = []
  ) {
    self.arms = arms
    self.settings = settings
    self.splits = splits
    self.methods = methods
    self.applications = applications
    self.target = target
    self.accuracyBudget = accuracyBudget
    self.maxClippedFraction = maxClippedFraction
    self.selectPerMetric = selectPerMetric
    self.surrogate = surrogate
    self.dataDirectory = dataDirectory
    self.quick = quick
  }
}

/// A column of a comparison table: a metric on test, a quantity of the weighting, or (per-metric
/// selection) a quantity at the selection made for one target metric (`error@dp`, ...).
public struct ComparisonColumn: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The JSON key and table header.
  public var key: String

  public var description: String { key }

  public init(key: String) { self.key = key }

  /// The test value of `metric`.
  public static func metric(_ metric: FairnessMetric) -> Self { Self(key: metric.rawValue) }

  public static let error = metric(.error)
  /// The lower group accuracy on test (seed 003's W.Acc).
  public static let worstGroupAccuracy = Self(key: "wacc")
  /// The test metrics of the main table, in order.
  /// (`eod`, seed 004's EOD, is `|ΔTPR|` like DEO: the same value under seed 004's name; `wacc`
  /// and `eo-max` = `max(|ΔTPR|, |ΔFPR|)` are seed 003's W.Acc and E.Odds.)
  public static let metrics: [Self] =
    [
      FairnessMetric.error, .demographicParityDifference, .equalizedOddsGapSum, .equalOpportunityDifference,
      .accuracyDifference, .averageOddsDifference,
    ].map(metric) + [Self(key: "eod"), worstGroupAccuracy, metric(.equalizedOddsDifference)]
  /// The exact definition of every test-metric column (two groups `s ∈ {0, 1}`, hard predictions,
  /// positive class 1), printed with every report.
  public static let definitions: [String: String] = [
    "error": "1 - accuracy over all test rows",
    "dp": "|P(yhat=1|s=0) - P(yhat=1|s=1)|",
    "eo": "|TPR_0 - TPR_1| + |FPR_0 - FPR_1| (seed 001 EO)",
    "deo": "|TPR_0 - TPR_1| (seed 001 DEO; eod is the same value under seed 004's name)",
    "ad": "|acc_0 - acc_1|",
    "aod": "(|TPR_0 - TPR_1| + |FPR_0 - FPR_1|) / 2 (seed 004 AOD)",
    "eod": "|TPR_0 - TPR_1| (seed 004 EOD)",
    "wacc": "min(acc_0, acc_1), the worst-group accuracy (seed 003 W.Acc)",
    "eo-max": "max(|TPR_0 - TPR_1|, |FPR_0 - FPR_1|) (fairlearn equalized_odds_difference, seed 003 E.Odds)",
  ]
  /// `Σ I_i Δw_i` and `F(θ_new) − F(θ̂)` (smooth validation target).
  public static let predicted = Self(key: "predicted")
  public static let obtained = Self(key: "obtained")
  /// The number of weights clipped at 0.
  public static let clipped = Self(key: "clipped")
  /// With a clipping limit: the fraction clipped and the grid values the limit excluded.
  public static let clippedFraction = Self(key: "clipped_fraction")
  public static let excludedByClipping = Self(key: "excluded_by_clipping")

  /// Per-metric selection: the metric itself, the test error, λ/λ₀ (or K) and the clipped fraction
  /// at the value selected for `metric`.
  public static func atSelection(of metric: FairnessMetric) -> [Self] {
    let m = metric.rawValue
    return [Self(key: m), Self(key: "error@\(m)"), Self(key: "value@\(m)"), Self(key: "clipped@\(m)")]
  }
}

/// One row of a comparison table: ERM or one method with one application.
public struct ComparisonRow: Sendable, Equatable, Codable {
  /// `ERM` or `<method>/<application>`.
  public var arm: String
  /// The summary of each column that was defined on at least one split.
  public var cells: [ComparisonColumn: SplitSummary]

  public static let erm = "ERM"

  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public init(arm: String, cells: [ComparisonColumn: SplitSummary]) {
    self.arm = arm
    self.cells = cells
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    arm = try c.decode(String.self, forKey: Key(stringValue: "method"))
    cells = [:]
    for key in c.allKeys where key.stringValue != "method" {
      cells[ComparisonColumn(key: key.stringValue)] = try c.decode(SplitSummary.self, forKey: key)
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: Key.self)
    try c.encode(arm, forKey: Key(stringValue: "method"))
    for (column, summary) in cells { try c.encode(summary, forKey: Key(stringValue: column.key)) }
  }
}

/// The comparison on one setting: the main table (every metric at the selection for the target)
/// and, with per-metric selection, each metric at its own selection.
public struct SettingComparison: Sendable, Equatable, Codable {
  public var setting: ComparisonSetting
  public var splits: Int
  /// Columns of ``rows`` in table order (not in JSON: rows carry their keys).
  public var columns: [ComparisonColumn]
  public var rows: [ComparisonRow]
  public var perMetricColumns: [ComparisonColumn]
  public var perMetricRows: [ComparisonRow]?
  /// Runs that could not be made, one per split and arm (undefined targets, no qualifying value).
  public var notes: [String]
  public var seconds: Double

  enum CodingKeys: String, CodingKey {
    case setting, splits, rows, notes, seconds
    case perMetricRows = "per_metric_rows"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    setting = try c.decode(ComparisonSetting.self, forKey: .setting)
    splits = try c.decode(Int.self, forKey: .splits)
    rows = try c.decode([ComparisonRow].self, forKey: .rows)
    perMetricRows = try c.decodeIfPresent([ComparisonRow].self, forKey: .perMetricRows)
    notes = try c.decode([String].self, forKey: .notes)
    seconds = try c.decode(Double.self, forKey: .seconds)
    columns = []
    perMetricColumns = []
  }

  init(
    setting: ComparisonSetting, splits: Int, columns: [ComparisonColumn], rows: [ComparisonRow],
    perMetricColumns: [ComparisonColumn], perMetricRows: [ComparisonRow]?, notes: [String], seconds: Double
  ) {
    self.setting = setting
    self.splits = splits
    self.columns = columns
    self.rows = rows
    self.perMetricColumns = perMetricColumns
    self.perMetricRows = perMetricRows
    self.notes = notes
    self.seconds = seconds
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(setting, forKey: .setting)
    try c.encode(splits, forKey: .splits)
    try c.encode(rows, forKey: .rows)
    if let perMetricRows { try c.encode(perMetricRows, forKey: .perMetricRows) }
    try c.encode(notes, forKey: .notes)
    try c.encode(seconds, forKey: .seconds)
  }
}

/// What `fairmem compare` reports (the schema of `compare --json`).
public struct ComparisonReport: Sendable, Equatable, Codable {
  public var settings: [SettingComparison]
  public var target: FairnessMetric
  public var quick: Bool
  public var splits: Int
  public var seconds: Double
  public var surrogate: SmoothSurrogate
  public var maxClippedFraction: Double?
  public var selectPerMetric: Bool
  public var accuracyBudget: Double?
  /// The exact definition of every metric column (``ComparisonColumn/definitions``).
  public var definitions: [String: String]

  enum CodingKeys: String, CodingKey {
    case settings, target, quick, splits, seconds, surrogate, definitions
    case maxClippedFraction = "max_clipped_fraction"
    case selectPerMetric = "select_per_metric"
    case accuracyBudget = "accuracy_budget"
  }

}

/// `fairmem compare`: for every setting and split seed `0..<splits`, train ERM, select each
/// method's λ/K on validation (50 values, IJ edit, lowest validation gap of the target, within the
/// accuracy budget and clipping limit), apply the selected value with each application and
/// evaluate on test; then summarize every quantity as mean ± 2 SE over splits.
public enum ComparisonExperiment {
  /// The metrics per-metric selection selects for, each with its own target.
  public static let perMetricTargets: [FairnessMetric] = FairnessMetric.reweightingTargets

  /// Runs `request`; `progress` receives one line per split and per skipped run.
  ///
  /// - Throws: ``MitigationInputError`` when a split cannot be prepared (for example a target
  ///   undefined on validation); `FairnessDataError` for missing data. A method that cannot be
  ///   selected or applied on one split is a note, not an error.
  public static func run(_ request: ComparisonRequest, progress: ((String) -> Void)? = nil) throws
    -> ComparisonReport
  {
    let start = Date()
    var settings: [SettingComparison] = []
    for setting in request.settings {
      let settingStart = Date()
      var table = SplitTable()
      for split in 0..<request.splits {
        progress?("\(setting.name) split \(split + 1)/\(request.splits) (\(Int(Date().timeIntervalSince(start))) s)")
        try runSplit(request, setting: setting, seed: UInt64(split), into: &table, progress: progress)
      }
      var columns = ComparisonColumn.metrics + [.predicted, .obtained, .clipped]
      if request.maxClippedFraction != nil { columns += [.clippedFraction, .excludedByClipping] }
      let perMetricColumns = perMetricTargets.flatMap(ComparisonColumn.atSelection(of:))
      settings.append(
        SettingComparison(
          setting: setting, splits: request.splits, columns: columns, rows: table.rows(table.main, columns: columns),
          perMetricColumns: request.selectPerMetric ? perMetricColumns : [],
          perMetricRows: request.selectPerMetric ? table.rows(table.perMetric, columns: perMetricColumns) : nil,
          notes: table.notes, seconds: Date().timeIntervalSince(settingStart)))
    }
    progress?("done in \(Int(Date().timeIntervalSince(start))) s")
    return ComparisonReport(
      settings: settings, target: request.target, quick: request.quick, splits: request.splits,
      seconds: Date().timeIntervalSince(start), surrogate: request.surrogate,
      maxClippedFraction: request.maxClippedFraction, selectPerMetric: request.selectPerMetric,
      accuracyBudget: request.accuracyBudget, definitions: ComparisonColumn.definitions)
  }

  /// Per-split values of every (arm, column), in the order arms first appear.
  struct SplitTable {
    var main: [String: [ComparisonColumn: [Double]]] = [:]
    var perMetric: [String: [ComparisonColumn: [Double]]] = [:]
    var order: [String] = [ComparisonRow.erm]
    var notes: [String] = []

    mutating func record(_ arm: String, _ column: ComparisonColumn, _ value: Double?) {
      guard let value else { return }
      if !order.contains(arm) { order.append(arm) }
      main[arm, default: [:]][column, default: []].append(value)
    }

    /// The test metrics of the main table, and optionally the weighting's quantities.
    mutating func record(_ arm: String, test: EvaluationReport, outcome: MitigationOutcome? = nil) {
      for column in ComparisonColumn.metrics {
        record(
          arm, column,
          column == .worstGroupAccuracy
            ? test.worstGroupAccuracy : FairnessMetric(spelling: column.key).flatMap(test.value(of:)))
      }
      if let o = outcome {
        record(arm, .predicted, o.predictedChange)
        record(arm, .obtained, o.actualChange)
        record(arm, .clipped, Double(o.clipping.count))
      }
    }

    /// `metric` and the test error at `metric`'s selection, plus the relative value and the
    /// clipped fraction for a method (nil for ERM).
    mutating func recordPerMetric(
      _ arm: String, _ metric: FairnessMetric, _ test: EvaluationReport, _ o: MitigationOutcome? = nil
    ) {
      let columns = ComparisonColumn.atSelection(of: metric)
      var values: [Double?] = [test.value(of: metric), test.error]
      if let o { values += [o.relativeValue, o.clippedFraction] }
      for (column, value) in zip(columns, values) {
        if let value { perMetric[arm, default: [:]][column, default: []].append(value) }
      }
    }

    func rows(_ data: [String: [ComparisonColumn: [Double]]], columns: [ComparisonColumn]) -> [ComparisonRow] {
      order.compactMap { arm in
        guard let values = data[arm] else { return nil }
        var cells: [ComparisonColumn: SplitSummary] = [:]
        for column in columns { cells[column] = values[column].flatMap(SplitSummary.init) }
        return ComparisonRow(arm: arm, cells: cells)
      }
    }
  }

  /// One split of one setting: ERM, then every method selected for the target (and, with
  /// per-metric selection, for each metric) and applied each way.
  static func runSplit(
    _ request: ComparisonRequest, setting: ComparisonSetting, seed: UInt64, into table: inout SplitTable,
    progress: ((String) -> Void)?
  ) throws {
    let split = Int(seed)
    let run = try MitigationRunner.prepare(
      dataset: setting.dataset, model: setting.model, target: request.target, seed: seed,
      dataDirectory: request.dataDirectory, quick: request.quick, surrogate: request.surrogate,
      progress: { progress?("  \($0)") })
    let ermTest = EvaluationReport(run.erm.test)
    table.record(ComparisonRow.erm, test: ermTest)
    if request.selectPerMetric {
      for metric in perMetricTargets { table.recordPerMetric(ComparisonRow.erm, metric, ermTest) }
    }
    if !request.arms.isEmpty {
      // The split MitigationRunner.prepare trained ERM on (the loader is deterministic in the seed).
      let data = try setting.dataset.mitigationSplit(
        seed: seed, dataDirectory: request.dataDirectory, quick: request.quick)
      for arm in request.arms {
        let (test, note) = try arm.evaluate(setting: setting, split: data, seed: seed)
        if let test { table.record(arm.name, test: test) }
        if let note { table.notes.append("split \(split) \(arm.name): \(note)") }
      }
    }
    // The runs to select on: the target (the main table) and, per metric, the same ERM model
    // retargeted to that metric (one more influence vector each).
    var targetRuns: [(FairnessMetric, any MitigationRun)] = [(request.target, run)]
    if request.selectPerMetric {
      for metric in perMetricTargets where metric != request.target {
        do {
          targetRuns.append((metric, try run.retargetedRun(to: metric)))
        } catch let e as MitigationInputError {
          table.notes.append("split \(split) target \(metric.rawValue): \(e.description)")
        }
      }
    }
    for (metric, targetRun) in targetRuns {
      for method in request.methods {
        // One validation sweep (IJ edit) per method; the selected value is then applied each way.
        let selected: MitigationOutcome
        do {
          selected = try targetRun.select(
            method: method, application: .ij, accuracyBudget: request.accuracyBudget,
            maxClippedFraction: request.maxClippedFraction, gridCount: 50
          ).chosen
        } catch let e as MitigationInputError {
          table.notes.append("split \(split) \(method.rawValue) (target \(metric.rawValue)): \(e.description)")
          progress?("  \(method.rawValue) (target \(metric.rawValue)): \(e.description)")
          continue
        }
        for application in request.applications {
          let arm = "\(method.rawValue)/\(application.rawValue)"
          do {
            var chosen =
              application == .ij
              ? selected : try targetRun.outcomeOnly(method: method, value: selected.value, application: application)
            chosen.selection = selected.selection
            let test = EvaluationReport(chosen.test)
            if metric == request.target {
              table.record(arm, test: test, outcome: chosen)
              for n in chosen.notes where !n.hasPrefix("selected") { table.notes.append("split \(split) \(arm): \(n)") }
              if let s = chosen.selection, request.maxClippedFraction != nil {
                table.record(arm, .excludedByClipping, Double(s.excluded.clipping))
                table.record(arm, .clippedFraction, chosen.clippedFraction)
              }
            }
            if request.selectPerMetric { table.recordPerMetric(arm, metric, test, chosen) }
          } catch let e as MitigationInputError {
            table.notes.append("split \(split) \(arm): \(e.description)")
            progress?("  \(arm): \(e.description)")
          }
        }
      }
    }
  }
}
