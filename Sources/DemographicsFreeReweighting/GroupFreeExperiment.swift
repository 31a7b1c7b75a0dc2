import DenseLinearAlgebra
public import FairnessData
import FairnessStatistics

/// What to run: methods, `K` values, split seeds and the shared hyperparameters.
public struct GroupFreePlan: Sendable, Hashable {
  /// A name for the data in the report.
  public var dataset: String
  /// The methods, in report order.
  public var methods: [GroupFreeMethod]
  /// The `K` values run for each graph method (one run per value); the others ignore them.
  public var neighbourCounts: [Int]
  /// One split (and one training seed, ``GroupFreeConfiguration/trainingSeed`` + seed) per value.
  public var splitSeeds: [UInt64]
  /// Shared hyperparameters.
  public var configuration: GroupFreeConfiguration
  /// Keep every run's test predictions and the test splits' labels and groups in the report.
  public var keepPredictions: Bool
  /// Record one batch's gradient kNN graph (first split, GoG with the configuration's `K` if it is
  /// among ``neighbourCounts``, else the first `K`).
  public var keepGraphSnapshot: Bool

  /// A plan; by default every method, `K = 3`, ten splits (seeds 0-9), the defaults.
  public init(
    dataset: String, methods: [GroupFreeMethod] = GroupFreeMethod.allCases, neighbourCounts: [Int] = [3],
    splitSeeds: [UInt64] = Array(0..<10), configuration: GroupFreeConfiguration = GroupFreeConfiguration(),
    keepPredictions: Bool = false, keepGraphSnapshot: Bool = false
  ) {
    self.dataset = dataset
    self.methods = methods
    self.neighbourCounts = neighbourCounts
    self.splitSeeds = splitSeeds
    self.configuration = configuration
    self.keepPredictions = keepPredictions
    self.keepGraphSnapshot = keepGraphSnapshot
  }
}

/// One split as a group-free method sees it: the training split without its groups, and the
/// validation split behind an ``EpochSelector``.
public struct GroupFreeSplit: Sendable {
  /// Features and labels of the training split.
  public let training: GroupFreeTrainingSet
  /// Validation worst-group accuracy per candidate model (the only use of validation groups).
  public let selector: EpochSelector

  /// Prepares `split`.
  ///
  /// - Throws: ``GroupFreeError``: `--feature-column` when a feature is constant within every
  ///   group but not overall (it encodes the group, see ``FairnessData/Dataset/featuresEncodingTheGroup()``);
  ///   `groups` when a validation group is empty; `dataset` for a non-binary task.
  public init(_ split: Split) throws(GroupFreeError) {
    if let leak = split.train.featuresEncodingTheGroup().first {
      throw GroupFreeError(
        option: "--feature-column",
        problem: "feature '\(leak)' is constant within every group, so it encodes the group; drop it")
    }
    training = try GroupFreeTrainingSet(split.train)
    selector = try EpochSelector(validation: split.validation)
  }
}

extension GroupFreeConfiguration {
  /// The configuration of one run: `K` set for a graph method, and the training seed offset by
  /// the split seed (so every split draws its own initialization and shuffles).
  public func forRun(neighbours k: Int?, splitSeed: UInt64) -> GroupFreeConfiguration {
    var c = self
    if let k { c.neighbours = k }
    c.trainingSeed = trainingSeed &+ splitSeed
    return c
  }
}

/// Runs a ``GroupFreePlan``: every method on every split, evaluated on the test split.
public enum GroupFreeExperiment {
  /// Loads each split with `loadSplit(seed)`, refuses features that encode the group, trains
  /// every method (each graph method once per `K`) on the training split without its groups,
  /// selects the epoch on validation worst-group accuracy, and evaluates on test.
  ///
  /// - Parameters:
  ///   - loadSplit: the standardized train/validation/test split for a seed.
  ///   - progress: one line per finished run (for stderr).
  /// - Throws: ``GroupFreeError`` for bad options, a feature column that encodes the group, or
  ///   an empty group; whatever `loadSplit` throws.
  public static func run(
    _ plan: GroupFreePlan, loadSplit: (UInt64) throws -> Split, progress: ((String) -> Void)? = nil
  ) throws -> GroupFreeReport {
    guard !plan.methods.isEmpty else { throw GroupFreeError(option: "--method", problem: "no method given") }
    guard !plan.splitSeeds.isEmpty else { throw GroupFreeError(option: "--splits", problem: "must be at least 1") }
    guard !plan.neighbourCounts.isEmpty else { throw GroupFreeError(option: "--neighbours", problem: "no value given") }
    var runs: [GroupFreeRun] = []
    var testSplits: [GroupFreeTestSplit] = []
    var groupNames: [String] = []
    var snapshot: GradientGraphSnapshot?
    for seed in plan.splitSeeds {
      let split = try loadSplit(seed)
      groupNames = split.train.groupNames
      let prepared = try GroupFreeSplit(split)
      let validationX = split.validation.matrix
      let testX = split.test.matrix
      if plan.keepPredictions {
        testSplits.append(GroupFreeTestSplit(splitSeed: seed, labels: split.test.labels, groups: split.test.groups))
      }
      for method in plan.methods {
        for k in method.usesGraph ? plan.neighbourCounts.map(Optional.some) : [nil] {
          let configuration = plan.configuration.forRun(neighbours: k, splitSeed: seed)
          let trained = try GroupFreeTrainer(method: method, configuration: configuration)
            .train(prepared.training, selector: prepared.selector)
          let testPredictions = trained.learner.predict(testX)
          let run = GroupFreeRun(
            method: method, neighbours: k, splitSeed: seed, selectedEpoch: trained.selectedEpoch,
            epochsRun: trained.history.count, history: trained.history,
            validation: try evaluate(trained.learner.predict(validationX), split.validation),
            test: try evaluate(testPredictions, split.test),
            testPredictions: plan.keepPredictions ? testPredictions : nil)
          runs.append(run)
          let pictured =
            plan.neighbourCounts.contains(plan.configuration.neighbours) ? plan.configuration.neighbours : k
          if plan.keepGraphSnapshot, snapshot == nil, method == .gog, k == pictured {
            snapshot = graphSnapshot(
              trained.learner, split.train, neighbours: configuration.neighbours, batch: configuration.batchSize)
          }
          progress?(
            "split \(seed) \(method.rawValue)\(k.map { " K=\($0)" } ?? ""): epoch \(run.selectedEpoch)/\(run.epochsRun), "
              + "test W.Acc \(percent(run.test.worstGroupAccuracy)), O.Acc \(percent(run.test.accuracy))")
        }
      }
    }
    return GroupFreeReport(
      dataset: plan.dataset, groupNames: groupNames, configuration: plan.configuration, methods: plan.methods,
      neighbourCounts: plan.neighbourCounts, splitSeeds: plan.splitSeeds, definitions: GroupOutcomeMetrics.definitions,
      runs: runs, summaries: summarize(runs), testSplits: plan.keepPredictions ? testSplits : nil,
      graphSnapshot: snapshot)
  }

  /// Mean ± 2 SE per (method, K), in the order the runs first appear, with the paired differences
  /// to ERM on the splits both ran.
  public static func summarize(_ runs: [GroupFreeRun]) -> [GroupFreeSummary] {
    var keys: [String] = []
    var groups: [String: [GroupFreeRun]] = [:]
    for run in runs {
      let key = "\(run.method.rawValue)/\(run.neighbours ?? 0)"
      if groups[key] == nil { keys.append(key) }
      groups[key, default: []].append(run)
    }
    var erm: [UInt64: GroupOutcomeMetrics] = [:]
    for run in runs where run.method == .erm { erm[run.splitSeed] = run.test }
    return keys.map { key in
      let r = groups[key]!
      func summary(_ values: [Double?]) -> SplitSummary? { SplitSummary(values.compactMap { $0 }) }
      func change(_ value: (GroupOutcomeMetrics) -> Double?) -> SplitSummary? {
        summary(r.map { run in erm[run.splitSeed].flatMap(value).flatMap { e in value(run.test).map { $0 - e } } })
      }
      return GroupFreeSummary(
        method: r[0].method, neighbours: r[0].neighbours,
        worstGroupAccuracy: SplitSummary(r.map(\.test.worstGroupAccuracy))!,
        accuracy: SplitSummary(r.map(\.test.accuracy))!,
        equalizedOddsGap: summary(r.map(\.test.equalizedOddsGap)),
        averageOddsGap: summary(r.map(\.test.averageOddsGap)),
        demographicParityGap: SplitSummary(r.map(\.test.demographicParityGap))!,
        selectedEpoch: SplitSummary(r.map { Double($0.selectedEpoch) })!,
        worstGroupAccuracyChangeFromERM: r[0].method == .erm ? nil : change(\.worstGroupAccuracy),
        equalizedOddsGapChangeFromERM: r[0].method == .erm ? nil : change(\.equalizedOddsGap))
    }
  }

  private static func evaluate(_ predictions: [Int], _ d: Dataset) throws(GroupFreeError) -> GroupOutcomeMetrics {
    try GroupOutcomeMetrics(
      labels: d.labels, groups: d.groups, predictions: predictions, groupNames: d.groupNames, split: d.name ?? "test")
  }

  private static func graphSnapshot(
    _ learner: GroupFreeLearner, _ train: Dataset, neighbours: Int, batch: Int
  ) -> GradientGraphSnapshot {
    let rows = Array(0..<batch)
    let part = train.subset(rows)
    let labels = part.labels
    let g = learner.lastLayerGradients(part.matrix, labels: labels)
    let graph = NearestNeighbourGraph(points: g, neighbourCount: neighbours)
    return GradientGraphSnapshot(
      gradients: (0..<g.rows).map { g.row($0) },
      neighbours: (0..<batch).map { Array(graph.neighbours[($0 * neighbours)..<(($0 + 1) * neighbours)]) },
      groups: part.groups, labels: labels)
  }

  private static func percent(_ x: Double) -> String { "\((x * 1000).rounded() / 10)" }
}
