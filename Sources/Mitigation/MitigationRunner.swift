import DenseLinearAlgebra
public import FairnessData
import FairnessModels
import Foundation
import Influence
import SeededRandom

/// The model-independent face of ``MitigationContext`` (so callers can hold LR and MLP contexts).
public protocol MitigationRun: Sendable {
  var erm: (validation: FairnessEvaluation, test: FairnessEvaluation) { get }
  var gap: Double { get }
  var influence: [Double] { get }
  var notes: [String] { get }
  func grid(for method: MitigationMethod, count: Int) -> [Double]
  func scale(for method: MitigationMethod) -> Double
  func outcomeOnly(method: MitigationMethod, value: Double, application: WeightApplication) throws -> MitigationOutcome
  func select(method: MitigationMethod, application: WeightApplication, accuracyBudget: Double?, gridCount: Int) throws
    -> (chosen: MitigationOutcome, sweep: [MitigationOutcome])
}

extension MitigationContext: MitigationRun {
  public func outcomeOnly(method: MitigationMethod, value: Double, application: WeightApplication) throws
    -> MitigationOutcome
  {
    try outcome(method: method, value: value, application: application).outcome
  }
}

/// Trains the ERM model for a split and builds the mitigation context.
public enum MitigationRunner {
  /// Trains ERM (`training`) on `split.train` and prepares influence, embeddings and FairIF rows.
  ///
  /// Logistic regression: Newton to a gradient norm of 1e-8, influence over all parameters,
  /// SIM-JACK embeddings = the standardized features, retraining = Newton from θ̂ on the weighted
  /// loss with `l2Strength` adjusted to the fixed-regularization convention. MLP: Adam
  /// (`epochs`, batch, lr), influence on the last layer (exact Hessian of that block), SIM-JACK
  /// embeddings = the hidden layer (penultimate representation), retraining = `fineTuneEpochs`
  /// of Adam on the weighted loss from θ̂.
  public static func prepare(
    split: Split, training: TrainingConfiguration, target: TargetMetric, seed: UInt64,
    progress: ((String) -> Void)? = nil
  ) throws -> any MitigationRun {
    let x = split.train.matrix
    let labels = split.train.labels
    guard split.train.classCount == 2, split.train.groupCount == 2 else {
      throw MitigationInputError("mitigation needs a binary label and two groups")
    }
    switch training.model {
    case .lr:
      var model = MultinomialLogisticRegression(featureCount: x.columns, classCount: 2, l2Strength: training.l2Strength)
      let report = try model.fit(x, labels: labels, options: LogisticRegressionFitOptions(gradientTolerance: 1e-8))
      var notes: [String] = []
      if !report.converged { notes.append("ERM logistic regression did not converge (\(report.termination))") }
      progress?("trained logistic regression (\(report.iterations) Newton steps)")
      let base = model
      let retrain: @Sendable (MultinomialLogisticRegression, [Double]) throws -> (MultinomialLogisticRegression, String?) = {
        m, w in
        var refit = m
        refit.l2Strength = base.l2Strength * Double(w.count) / w.reduce(0, +)
        let r = try refit.fit(x, labels: labels, weights: w, options: LogisticRegressionFitOptions(gradientTolerance: 1e-8))
        refit.l2Strength = base.l2Strength
        return (refit, r.converged ? nil : "weighted refit did not converge (\(r.termination))")
      }
      return try MitigationContext(
        model: model, split: split, targetMetric: target, block: .all, embeddings: x, notes: notes, retrain: retrain)
    case .mlp:
      var rng = SplitMix64(seed: seed &+ 0x4D4C50)
      var model = MLPClassifier(
        featureCount: x.columns, hiddenWidth: training.hiddenWidth, classCount: 2, activation: .selu,
        l2Strength: training.l2Strength, using: &rng)
      let options = MLPTrainingOptions(
        epochs: training.epochs, batchSize: training.batchSize, learningRate: training.learningRate)
      let report = try model.fit(x, labels: labels, options: options, using: &rng)
      progress?("trained MLP (\(report.epochs) epochs, training accuracy \(fmt(report.trainingAccuracy)))")
      let fine = MLPTrainingOptions(
        epochs: training.fineTuneEpochs, batchSize: training.batchSize, learningRate: training.learningRate)
      let retrainSeed = seed &+ 0xF17E
      let retrain: @Sendable (MLPClassifier, [Double]) throws -> (MLPClassifier, String?) = { m, w in
        var tuned = m
        var g = SplitMix64(seed: retrainSeed)
        try tuned.fit(x, labels: labels, weights: w, options: fine, using: &g)
        return (tuned, nil)
      }
      return try MitigationContext(
        model: model, split: split, targetMetric: target, block: .lastLayer,
        embeddings: model.hiddenRepresentation(x), retrain: retrain)
    }
  }
}
