public import FairnessData
import FairnessModels
public import Mitigation

/// A group-free method as an arm of `fairmem compare` (`--group-free erm,arl,dro,gog,feature-graph`),
/// the row `gf-<method>` (`gf-<method>-k<K>` for the graph methods).
///
/// On each split of a setting it receives the split ERM is trained on, and:
///
/// - trains the setting's learner family with the group-free loop (``GroupFreeTrainer``): logistic
///   regression for `<dataset>-lr`; for the MLP settings an MLP of compare's width (100 SeLU units,
///   64 on the synthetic settings, 16 with `--quick`) and activation. The training split's groups
///   are dropped (``GroupFreeSplit``); a feature that encodes the group is bad input;
/// - selects the epoch on the validation split's worst-group accuracy (the only use of its groups);
/// - evaluates the selected learner on the test split with the metrics of every other row.
///
/// The optimizer is the group-free loop's (mini-batch Adam with gradient clipping and no L2, as the
/// seed-003 authors), not compare's ERM fit; `gf-erm` is that loop with unit weights, so the
/// reweighting's effect is `gf-<method>` against `gf-erm`, and the loop's effect `gf-erm` against
/// `ERM`.
public struct GroupFreeArm: ComparisonArm {
  /// The method.
  public var method: GroupFreeMethod
  /// `K` of a graph method (ignored otherwise).
  public var neighbours: Int
  /// Batch size, epochs, patience, step sizes, ... (the learner is set per setting).
  public var configuration: GroupFreeConfiguration
  /// Whether compare runs `--quick` (the MLP's width follows compare's quick configuration).
  public var quick: Bool

  /// An arm of `method` (with `K = neighbours` for a graph method).
  public init(method: GroupFreeMethod, neighbours: Int = 3, configuration: GroupFreeConfiguration, quick: Bool) {
    self.method = method
    self.neighbours = neighbours
    self.configuration = configuration
    self.quick = quick
  }

  /// `gf-<method>`, or `gf-<method>-k<K>` for a graph method.
  public var name: String { "gf-\(method.rawValue)" + (method.usesGraph ? "-k\(neighbours)" : "") }

  /// The configuration of the run on `setting`'s split `seed`: the setting's learner, `K`, and the
  /// training seed offset by the split seed (as `fairmem groupfree`).
  public func configuration(for setting: ComparisonSetting, seed: UInt64) -> GroupFreeConfiguration {
    var c = configuration
    switch setting.model {
    case .lr:
      c.learner = .lr
    case .mlp:
      c.learner = .mlp
      c.hiddenWidth = TrainingConfiguration.standard(for: setting.dataset, model: .mlp, quick: quick).hiddenWidth
      c.hiddenActivation = .selu
    }
    return c.forRun(neighbours: method.usesGraph ? neighbours : nil, splitSeed: seed)
  }

  /// Trains on `split.train` without its groups, selects the epoch on validation worst-group
  /// accuracy and evaluates on `split.test`.
  ///
  /// - Throws: ``GroupFreeError`` for options that do not fit the split (`--batch-size` above the
  ///   training rows, ...), a feature that encodes the group, an empty validation group;
  ///   `StatisticsError` for an empty test group.
  public func evaluate(setting: ComparisonSetting, split: Split, seed: UInt64) throws -> (
    test: EvaluationReport?, note: String?
  ) {
    let prepared = try GroupFreeSplit(split)
    let trained = try GroupFreeTrainer(method: method, configuration: configuration(for: setting, seed: seed))
      .train(prepared.training, selector: prepared.selector)
    let test = split.test
    let evaluation = try FairnessEvaluation(
      groups: test.groups, labels: test.labels, predictions: trained.learner.predict(test.matrix),
      groupNames: test.groupNames, classNames: test.classNames)
    return (EvaluationReport(evaluation), nil)
  }
}
