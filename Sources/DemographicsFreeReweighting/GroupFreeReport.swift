public import FairnessStatistics

/// One trained learner evaluated on one split.
public struct GroupFreeRun: Sendable, Hashable, Codable {
  /// The method.
  public var method: GroupFreeMethod
  /// `K` for the graph methods, `nil` otherwise.
  public var neighbours: Int?
  /// The split seed.
  public var splitSeed: UInt64
  /// The epoch selected on validation worst-group accuracy.
  public var selectedEpoch: Int
  /// Epochs run before stopping.
  public var epochsRun: Int
  /// Every epoch's training loss and validation accuracies.
  public var history: [EpochRecord]
  /// Metrics on the validation split at the selected epoch.
  public var validation: GroupOutcomeMetrics
  /// Metrics on the test split at the selected epoch.
  public var test: GroupOutcomeMetrics
  /// The test split's predictions (row order of the split), kept when the plan asks for them.
  public var testPredictions: [Int]?
}

/// The mean ± 2 SE of the test metrics of one method (and `K`) over the splits.
public struct GroupFreeSummary: Sendable, Hashable, Codable {
  /// The method.
  public var method: GroupFreeMethod
  /// `K` for the graph methods.
  public var neighbours: Int?
  /// W.Acc.
  public var worstGroupAccuracy: SplitSummary
  /// O.Acc.
  public var accuracy: SplitSummary
  /// E.Odds (``GroupOutcomeMetrics/equalizedOddsGap``), over the splits where it is defined.
  public var equalizedOddsGap: SplitSummary?
  /// ``GroupOutcomeMetrics/averageOddsGap``.
  public var averageOddsGap: SplitSummary?
  /// ``GroupOutcomeMetrics/demographicParityGap``.
  public var demographicParityGap: SplitSummary
  /// The selected epoch.
  public var selectedEpoch: SplitSummary
  /// The paired difference `W.Acc(method) − W.Acc(ERM)` on the same splits (when ERM was run):
  /// its error bar is free of the split-to-split variation that both methods share.
  public var worstGroupAccuracyChangeFromERM: SplitSummary?
  /// The paired difference `E.Odds(method) − E.Odds(ERM)` on the same splits.
  public var equalizedOddsGapChangeFromERM: SplitSummary?
}

/// The test split of one seed: rows' labels and groups, so predictions can be re-scored.
public struct GroupFreeTestSplit: Sendable, Hashable, Codable {
  /// The split seed.
  public var splitSeed: UInt64
  /// True labels of the test rows.
  public var labels: [Int]
  /// Group index of the test rows (names in ``GroupFreeReport/groupNames``).
  public var groups: [Int]
}

/// One batch's gradient kNN graph for pictures: the per-sample last-layer gradients of the first
/// `B` training rows under the selected GoG learner, the graph's edges and the (hidden) groups.
public struct GradientGraphSnapshot: Sendable, Hashable, Codable {
  /// `B x p` gradients, row-major.
  public var gradients: [[Double]]
  /// `neighbours[i]`: the K nearest nodes of `i`.
  public var neighbours: [[Int]]
  /// Group of each node (evaluation only; training never sees it).
  public var groups: [Int]
  /// Label of each node.
  public var labels: [Int]
}

/// Everything `fairmem groupfree` computes: configuration, every run, the summaries.
public struct GroupFreeReport: Sendable, Hashable, Codable {
  /// The dataset's name.
  public var dataset: String
  /// The group names (index order).
  public var groupNames: [String]
  /// The hyperparameters (``GroupFreeConfiguration/neighbours`` is overridden per run by
  /// ``neighbourCounts`` for the graph methods).
  public var configuration: GroupFreeConfiguration
  /// The methods compared.
  public var methods: [GroupFreeMethod]
  /// The values of `K` run for the graph methods.
  public var neighbourCounts: [Int]
  /// The split seeds.
  public var splitSeeds: [UInt64]
  /// The exact metric definitions (``GroupOutcomeMetrics/definitions``).
  public var definitions: [String: String]
  /// Every run, split-major.
  public var runs: [GroupFreeRun]
  /// Per method (and `K`): mean ± 2 SE over the splits.
  public var summaries: [GroupFreeSummary]
  /// The test splits' labels and groups (with ``GroupFreeRun/testPredictions``), when kept.
  public var testSplits: [GroupFreeTestSplit]?
  /// The gradient kNN graph of one batch (first split, GoG), when asked for.
  public var graphSnapshot: GradientGraphSnapshot?
}
