import DenseLinearAlgebra
public import FairnessData
import FairnessModels
public import FairnessStatistics
import Foundation
public import Influence
import NumberText
import SeededRandom

/// The model-independent face of ``MitigationContext`` (so callers can hold LR and MLP contexts).
public protocol MitigationRun: Sendable {
  var erm: (validation: FairnessEvaluation, test: FairnessEvaluation) { get }
  var gap: Double { get }
  var influence: [Double] { get }
  var notes: [String] { get }
  var targetMetric: FairnessMetric { get }
  var surrogate: SmoothSurrogate { get }
  func grid(for method: MitigationMethod, count: Int) -> [Double]
  func scale(for method: MitigationMethod) -> Double
  func outcomeOnly(method: MitigationMethod, value: Double, application: WeightApplication) throws -> MitigationOutcome
  func select(
    method: MitigationMethod, application: WeightApplication, accuracyBudget: Double?, maxClippedFraction: Double?,
    gridCount: Int
  ) throws -> (chosen: MitigationOutcome, sweep: [MitigationOutcome])
  /// The same ERM model and influence engine with another target metric (see
  /// ``MitigationContext/retargeted(to:)``).
  func retargetedRun(to metric: FairnessMetric) throws -> any MitigationRun
}

extension MitigationRun {
  /// Selection without a clipping limit.
  public func select(method: MitigationMethod, application: WeightApplication, accuracyBudget: Double?, gridCount: Int)
    throws -> (chosen: MitigationOutcome, sweep: [MitigationOutcome])
  {
    try select(
      method: method, application: application, accuracyBudget: accuracyBudget, maxClippedFraction: nil,
      gridCount: gridCount)
  }
}

extension MitigationContext: MitigationRun {
  public func outcomeOnly(method: MitigationMethod, value: Double, application: WeightApplication) throws
    -> MitigationOutcome
  {
    try outcome(method: method, value: value, application: application).outcome
  }

  public func retargetedRun(to metric: FairnessMetric) throws -> any MitigationRun { try retargeted(to: metric) }
}

extension TrainingConfiguration {
  /// The training FairMem's mitigation commands use for a data setting: logistic regression with
  /// λ = 1e-3; the MLP of seed 001 (100 SeLU units, 10 epochs) on real data and of seed 004
  /// (64 units, 30 epochs) on the synthetic settings, 3 fine-tuning epochs (a CSV file counts as
  /// real data). `quick` (tests): 16
  /// units, 5 epochs, 1 fine-tuning epoch.
  public static func standard(for dataset: DatasetSource, model: ModelKind, quick: Bool) -> TrainingConfiguration {
    switch model {
    case .lr: return TrainingConfiguration(model: .lr, l2Strength: 1e-3)
    case .mlp:
      let hidden = dataset.isSynthetic ? 64 : 100
      return TrainingConfiguration(
        model: .mlp, l2Strength: 1e-3, hiddenWidth: quick ? 16 : hidden,
        epochs: quick ? 5 : (dataset.isSynthetic ? 30 : 10),
        fineTuneEpochs: quick ? 1 : 3)
    }
  }
}

/// Trains the ERM model for a split and builds the mitigation context.
public enum MitigationRunner {
  /// Loads `dataset` (split `seed`), trains ERM with ``TrainingConfiguration/standard(for:model:quick:)``
  /// and prepares the run.
  ///
  /// - Throws: ``MitigationInputError`` naming the dataset and seed when the split cannot be used.
  public static func prepare(
    dataset: DatasetSource, model: ModelKind, target: FairnessMetric, seed: UInt64,
    dataDirectory: String = RealDataset.defaultDirectory, quick: Bool = false, surrogate: SmoothSurrogate = .softmax,
    progress: ((String) -> Void)? = nil
  ) throws -> any MitigationRun {
    let split = try dataset.mitigationSplit(seed: seed, dataDirectory: dataDirectory, quick: quick)
    guard split.train.classCount == 2 else {
      throw MitigationInputError(
        field: "label",
        "\(dataset.name) has \(split.train.classCount) classes (\(split.train.classNames.joined(separator: ", "))); reweighting needs a binary label (for a CSV, declare the class-1 value with --positive)"
      )
    }
    guard split.train.groupCount == 2 else {
      throw MitigationInputError(
        field: "group",
        "\(dataset.name) has \(split.train.groupCount) groups (\(split.train.groupNames.joined(separator: ", "))); reweighting needs two"
      )
    }
    do {
      return try prepare(
        split: split, training: .standard(for: dataset, model: model, quick: quick), target: target, seed: seed,
        surrogate: surrogate, progress: progress)
    } catch let e as MitigationInputError {
      throw MitigationInputError(field: "\(dataset.name) seed \(seed)", e.description)
    }
  }

  /// Trains ERM (`training`) on `split.train` and prepares influence, embeddings and FairIF rows.
  ///
  /// Logistic regression: Newton to a gradient norm of 1e-8, influence over all parameters,
  /// SIM-JACK embeddings = the standardized features, retraining (and fine-tuning) = Newton from
  /// θ̂ on the weighted loss with `l2Strength` adjusted to the fixed-regularization convention.
  ///
  /// MLP: initialized from `SplitMix64(seed + 0x4D4C50)` and trained with Adam (`epochs`, batch,
  /// lr) using the same generator for the shuffles; influence on the last layer (exact Hessian of
  /// that block); SIM-JACK embeddings = the hidden layer (penultimate representation).
  /// - `retrain` (seed 004 stage two, Eq. 15, `reinit 1`): a fresh generator with the same seed,
  ///   the same initialization and the same schedule, on the weighted mini-batch objective
  ///   `Σ_B w_i ℓ_i / Σ_B w_i + (λ/2)‖θ‖²`. With `w = 1` it reproduces θ̂ bit for bit.
  /// - `finetune`: `fineTuneEpochs` of Adam on the weighted loss, starting from θ̂.
  ///
  /// `surrogate` smooths every target (softmax or Gumbel-softmax).
  public static func prepare(
    split: Split, training: TrainingConfiguration, target: FairnessMetric, seed: UInt64,
    surrogate: SmoothSurrogate = .softmax, progress: ((String) -> Void)? = nil
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
      let refit:
        @Sendable (MultinomialLogisticRegression, [Double], WeightApplication) throws -> (
          MultinomialLogisticRegression, String?
        ) = { m, w, _ in
          var refit = m
          refit.l2Strength = base.l2Strength * Double(w.count) / w.reduce(0, +)
          let r = try refit.fit(
            x, labels: labels, weights: w, options: LogisticRegressionFitOptions(gradientTolerance: 1e-8))
          refit.l2Strength = base.l2Strength
          return (refit, r.converged ? nil : "weighted refit did not converge (\(r.termination))")
        }
      return try MitigationContext(
        model: model, split: split, targetMetric: target, block: .all, embeddings: x, surrogate: surrogate,
        notes: notes,
        refit: refit)
    case .mlp:
      let initSeed = seed &+ 0x4D4C50
      let hidden = training.hiddenWidth
      let l2 = training.l2Strength
      @Sendable func initialModel(_ g: inout SplitMix64) -> MLPClassifier {
        MLPClassifier(
          featureCount: x.columns, hiddenWidth: hidden, classCount: 2, activation: .selu, l2Strength: l2, using: &g)
      }
      var rng = SplitMix64(seed: initSeed)
      var model = initialModel(&rng)
      let options = MLPTrainingOptions(
        epochs: training.epochs, batchSize: training.batchSize, learningRate: training.learningRate)
      let report = try model.fit(x, labels: labels, options: options, using: &rng)
      progress?("trained MLP (\(report.epochs) epochs, training accuracy \(NumberText.short(report.trainingAccuracy)))")
      let fine = MLPTrainingOptions(
        epochs: training.fineTuneEpochs, batchSize: training.batchSize, learningRate: training.learningRate)
      let fineTuneSeed = seed &+ 0xF17E
      let refit: @Sendable (MLPClassifier, [Double], WeightApplication) throws -> (MLPClassifier, String?) = {
        m, w, application in
        switch application {
        case .finetune:
          var tuned = m
          var g = SplitMix64(seed: fineTuneSeed)
          try tuned.fit(x, labels: labels, weights: w, options: fine, using: &g)
          return (tuned, nil)
        case .retrain, .ij:
          // Same initialization and shuffle stream as ERM: only the weights differ.
          var g = SplitMix64(seed: initSeed)
          var fresh = initialModel(&g)
          try fresh.fit(x, labels: labels, weights: w, options: options, using: &g)
          return (fresh, nil)
        }
      }
      return try MitigationContext(
        model: model, split: split, targetMetric: target, block: .lastLayer,
        embeddings: model.hiddenRepresentation(x), surrogate: surrogate, refit: refit)
    }
  }
}
