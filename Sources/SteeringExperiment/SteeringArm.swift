public import FairnessData
import FairnessModels
public import Mitigation
public import OptimalSteering

/// Steering as an arm of `fairmem compare` (`--steering affirmative,mean,...`): on each split of a
/// logistic-regression setting, the continuous features of the training split are steered with
/// one intervention (``SteeringExperiment/trainSteered(_:model:continuous:options:l2:)``), the
/// logistic regression (compare's λ) is retrained with the prior weights, and the test split is
/// evaluated as it is (the deployable variant: no label is needed at test time).
public struct SteeringArm: ComparisonArm {
  public var options: SteeringOptions
  public var covariance: CovarianceEstimate

  public init(options: SteeringOptions, covariance: CovarianceEstimate = .full) {
    self.options = options
    self.covariance = covariance
  }

  /// `steer-<intervention>`.
  public var name: String { "steer-\(options.intervention.rawValue)" }

  /// `seed` is unused: steering draws no random numbers.
  public func evaluate(setting: ComparisonSetting, split: Split, seed: UInt64) throws -> (
    test: EvaluationReport?, note: String?
  ) {
    guard setting.model == .lr else {
      return (nil, "steering retrains logistic regression; setting \(setting.name) uses an MLP (not run)")
    }
    let l2 = TrainingConfiguration.standard(for: setting.dataset, model: .lr, quick: false).l2Strength
    let (model, continuous) = try SteeringExperiment.fitModel(
      split.train, covariance: covariance, dataset: setting.dataset.name)
    let (_, classifier) = try SteeringExperiment.trainSteered(
      split.train, model: model, continuous: continuous, options: options, l2: l2)
    let test = split.test
    let evaluation = try FairnessEvaluation(
      groups: test.groups, labels: test.labels, predictions: classifier.predict(test.matrix),
      groupNames: test.groupNames, classNames: test.classNames)
    return (EvaluationReport(evaluation), nil)
  }
}
