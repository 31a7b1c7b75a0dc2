import DenseLinearAlgebra
import FairnessData
import FairnessModels
import SeededRandom

/// One epoch of a training run, as recorded in reports.
public struct EpochRecord: Sendable, Hashable, Codable {
  /// 1-based epoch number.
  public var epoch: Int
  /// The unweighted mean training loss over the epoch's batches (before each step).
  public var meanTrainingLoss: Double
  /// The validation accuracy after the epoch.
  public var validationAccuracy: Double
  /// The validation worst-group accuracy after the epoch (the selection criterion).
  public var validationWorstGroupAccuracy: Double
}

/// A trained learner with its history.
public struct TrainedGroupFreeModel: Sendable {
  /// The learner at the selected epoch.
  public let learner: GroupFreeLearner
  /// Every epoch run.
  public let history: [EpochRecord]
  /// The epoch with the best validation worst-group accuracy (the first on ties).
  public let selectedEpoch: Int
}

/// Trains a learner with one of the group-free methods (``GroupFreeMethod``).
///
/// Per epoch the training rows are shuffled (seeded) and cut into batches of `B` (the last
/// incomplete batch dropped). Per batch, with the per-sample losses `ℓ_i` of the current learner:
///
/// 1. the weights `λ` come from the method: 1 (ERM); `1/α` on the worst `αB` losses, 0 elsewhere
///    (CVaR DRO; a fractional weight on the boundary sample, so `mean λ = 1`); the ARL adversary;
///    or the GoG adversary (``GraphAdversary``) over the kNN graph of the per-sample last-layer
///    gradients (``GroupFreeLearner/lastLayerGradients(_:labels:)``), or of the inputs for the
///    feature-graph ablation;
/// 2. the learner takes an Adam step on `∇_θ mean(λ ⊙ ℓ)` with `λ` held fixed (clipped to the
///    learner's clip norm);
/// 3. the adversary takes an Adam step *ascending* `mean(λ ⊙ ℓ)` with `ℓ` held fixed.
///
/// Both steps use the quantities of the same forward pass (a simultaneous min-max step, as the
/// authors' code). After each epoch the learner is scored on the validation split
/// (``EpochSelector``); training stops after `patience` epochs without improvement or at
/// `maximumEpochs`, and the best epoch's learner is returned.
///
/// Deterministic: all randomness (learner and adversary initialization, shuffles) derives from
/// `trainingSeed`; with one BLAS thread the result is bitwise reproducible.
public struct GroupFreeTrainer: Sendable {
  /// The method.
  public let method: GroupFreeMethod
  /// The hyperparameters.
  public let configuration: GroupFreeConfiguration

  /// A trainer for `method` with `configuration`.
  public init(method: GroupFreeMethod, configuration: GroupFreeConfiguration) {
    self.method = method
    self.configuration = configuration
  }

  /// Trains on `training`, selecting the epoch with `selector`.
  ///
  /// - Parameter progress: called after every epoch.
  /// - Throws: ``GroupFreeError`` for options that do not fit the data (``GroupFreeConfiguration/validate(trainingRows:)``)
  ///   or a validation split with other features.
  public func train(
    _ training: GroupFreeTrainingSet, selector: EpochSelector, progress: ((EpochRecord) -> Void)? = nil
  ) throws(GroupFreeError) -> TrainedGroupFreeModel {
    try configuration.validate(trainingRows: training.labels.count)
    guard selector.features.columns == training.features.columns else {
      throw GroupFreeError(option: "dataset", problem: "validation and training features differ in width")
    }
    var root = SplitMix64(seed: configuration.trainingSeed)
    var learnerGenerator = root.split()
    var adversaryGenerator = root.split()
    var shuffleGenerator = root.split()
    let start = GroupFreeLearner(
      kind: configuration.learner, featureCount: training.features.columns, hiddenWidth: configuration.hiddenWidth,
      activation: configuration.hiddenActivation, using: &learnerGenerator)
    var state = AdversaryState(
      method: method, configuration: configuration, featureCount: training.features.columns,
      using: &adversaryGenerator)
    switch start {
    case .lr(let model):
      let run = loop(model, training, selector, &state, &shuffleGenerator, progress)
      return TrainedGroupFreeModel(learner: .lr(run.model), history: run.history, selectedEpoch: run.selected)
    case .mlp(let model):
      let run = loop(model, training, selector, &state, &shuffleGenerator, progress)
      return TrainedGroupFreeModel(learner: .mlp(run.model), history: run.history, selectedEpoch: run.selected)
    }
  }

  private func loop<Model: DifferentiableClassifier>(
    _ start: Model, _ training: GroupFreeTrainingSet, _ selector: EpochSelector, _ state: inout AdversaryState,
    _ shuffleGenerator: inout SplitMix64, _ progress: ((EpochRecord) -> Void)?
  ) -> (model: Model, history: [EpochRecord], selected: Int) {
    let b = configuration.batchSize
    let n = training.labels.count
    var model = start
    var theta = model.parameters
    var adam = AdamOptimizer(
      parameterCount: theta.count, learningRate: configuration.learnerLearningRate,
      clipNorm: configuration.learnerClipNorm)
    var order = Array(0..<n)
    var history: [EpochRecord] = []
    var best = (model: model, score: -Double.infinity, epoch: 0)
    for epoch in 1...configuration.maximumEpochs {
      order.seededShuffle(using: &shuffleGenerator)
      var lossSum = 0.0
      var batches = 0
      for batchStart in stride(from: 0, through: n - b, by: b) {
        let rows = Array(order[batchStart..<(batchStart + b)])
        let x = training.features.rows(rows)
        let y = rows.map { training.labels[$0] }
        let losses = model.perSampleLosses(x, labels: y)
        lossSum += losses.reduce(0, +) / Double(b)
        batches += 1
        let weights = state.weightsAndStep(x: x, labels: y, losses: losses) { x, y in
          GroupFreeLearner.lastLayerGradients(model, x, y)
        }
        adam.step(&theta, gradient: model.weightedMeanGradient(x, labels: y, weights: weights))
        model.parameters = theta
      }
      let score = selector.score(model.predict(selector.features))
      let record = EpochRecord(
        epoch: epoch, meanTrainingLoss: lossSum / Double(max(batches, 1)), validationAccuracy: score.accuracy,
        validationWorstGroupAccuracy: score.worstGroupAccuracy)
      history.append(record)
      progress?(record)
      if score.worstGroupAccuracy > best.score {
        best = (model, score.worstGroupAccuracy, epoch)
      } else if epoch - best.epoch >= configuration.patience {
        break
      }
    }
    return (best.model, history, best.epoch)
  }
}

/// The per-method weighting rule and, for the adversarial methods, the adversary and its Adam state.
struct AdversaryState {
  let method: GroupFreeMethod
  let configuration: GroupFreeConfiguration
  var graphAdversary: GraphAdversary?
  var linearAdversary: LinearAdversary?
  var adam: AdamOptimizer?

  init(
    method: GroupFreeMethod, configuration: GroupFreeConfiguration, featureCount: Int,
    using generator: inout some RandomNumberGenerator
  ) {
    self.method = method
    self.configuration = configuration
    switch method {
    case .erm, .dro: break
    case .arl:
      let adversary = LinearAdversary(inputWidth: featureCount + 1, using: &generator)
      linearAdversary = adversary
      adam = AdamOptimizer(
        parameterCount: adversary.parameters.count, learningRate: configuration.adversaryLearningRate,
        clipNorm: configuration.adversaryClipNorm)
    case .gog, .featureGraph:
      let adversary = GraphAdversary(
        inputWidth: featureCount + (configuration.encoderSeesLabel ? 1 : 0), encoderWidth: configuration.encoderWidth,
        leakySlope: configuration.leakySlope, using: &generator)
      graphAdversary = adversary
      adam = AdamOptimizer(
        parameterCount: adversary.parameters.count, learningRate: configuration.adversaryLearningRate,
        clipNorm: configuration.adversaryClipNorm)
    }
  }

  /// The batch weights `λ` (`nil` for ERM) from the current adversary, after which the adversary
  /// (if any) takes its ascent step on `mean(λ ⊙ ℓ)`.
  mutating func weightsAndStep(
    x: Matrix, labels: [Int], losses: [Double], gradients: (Matrix, [Int]) -> Matrix
  ) -> [Double]? {
    switch method {
    case .erm:
      return nil
    case .dro:
      return cvarWeights(losses: losses, alpha: configuration.cvarAlpha)
    case .arl:
      guard var adversary = linearAdversary, var adam else { preconditionFailure("ARL without an adversary") }
      let inputs = x.appendingColumn(labels.map(Double.init))
      let scores = adversary.scores(inputs)
      let ascent = adversary.objectiveGradient(inputs, scores: scores, losses: losses)
      adam.step(&adversary.parameters, gradient: ascent.map { -$0 })
      (linearAdversary, self.adam) = (adversary, adam)
      return LinearAdversary.weights(scores: scores)
    case .gog, .featureGraph:
      guard var adversary = graphAdversary, var adam else { preconditionFailure("GoG without an adversary") }
      let points = method == .gog ? gradients(x, labels) : x
      let graph = NearestNeighbourGraph(points: points, neighbourCount: configuration.neighbours)
      let inputs = configuration.encoderSeesLabel ? x.appendingColumn(labels.map(Double.init)) : x
      let pass = adversary.forward(inputs, graph: graph)
      let ascent = adversary.objectiveGradient(pass, inputs: inputs, graph: graph, losses: losses)
      adam.step(&adversary.parameters, gradient: ascent.map { -$0 })
      (graphAdversary, self.adam) = (adversary, adam)
      return pass.weights
    }
  }
}

/// CVaR-`α` weights of a batch: `1/α` on the `⌊αB⌋` largest losses, `(αB − ⌊αB⌋)/α` on the next
/// one, 0 elsewhere (ties broken by position), so `(1/B) Σ λ_i ℓ_i` is the mean of the worst
/// `α`-fraction of the losses (CVaR at level `α`, Rockafellar & Uryasev) and `mean λ = 1`.
public func cvarWeights(losses: [Double], alpha: Double) -> [Double] {
  precondition(alpha > 0 && alpha <= 1 && !losses.isEmpty, "need 0 < α <= 1 and a non-empty batch")
  let mass = alpha * Double(losses.count)
  let order = losses.indices.sorted { losses[$0] != losses[$1] ? losses[$0] > losses[$1] : $0 < $1 }
  var weights = [Double](repeating: 0, count: losses.count)
  var remaining = mass
  for i in order where remaining > 0 {
    let share = min(1, remaining)
    weights[i] = share / alpha
    remaining -= share
  }
  return weights
}

extension GroupFreeLearner {
  /// ``lastLayerGradients(_:labels:)`` for a bare model (used inside the generic training loop).
  static func lastLayerGradients(_ model: some DifferentiableClassifier, _ x: Matrix, _ labels: [Int]) -> Matrix {
    model.softmaxLayerDerivatives(x, labels: labels, block: .lastLayer)?.gradientMatrix()
      ?? model.perSampleGradients(x, labels: labels, block: .lastLayer)
  }
}
