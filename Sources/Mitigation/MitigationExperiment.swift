public import DenseLinearAlgebra
public import FailureReporting
public import FairnessData
public import FairnessModels
public import FairnessStatistics
import Foundation
public import Influence
import NumberText
import SeededRandom

/// Training choices for the base (ERM) model.
public struct TrainingConfiguration: Sendable, Equatable {
  public var model: ModelKind
  /// L2 strength of the objective (mean cross-entropy + λ/2‖θ‖²).
  public var l2Strength: Double
  public var hiddenWidth: Int
  public var epochs: Int
  public var fineTuneEpochs: Int
  public var batchSize: Int
  public var learningRate: Double

  public init(
    model: ModelKind, l2Strength: Double = 1e-3, hiddenWidth: Int = 100, epochs: Int = 20, fineTuneEpochs: Int = 3,
    batchSize: Int = 128, learningRate: Double = 1e-3
  ) {
    self.model = model
    self.l2Strength = l2Strength
    self.hiddenWidth = hiddenWidth
    self.epochs = epochs
    self.fineTuneEpochs = fineTuneEpochs
    self.batchSize = batchSize
    self.learningRate = learningRate
  }
}

/// Errors of a mitigation run that are the input's fault (exit code 2): the data, the setting or
/// the rule cannot be used as asked (an undefined target, no qualifying value, all weights zero).
public struct MitigationInputError: ClassifiedError, Sendable, Equatable {
  /// What the error is about (a method, a dataset and seed), when it is one thing.
  public var field: String?
  /// What is wrong.
  public var problem: String
  public var failureKind: FailureKind { .badInput }
  /// `field: problem`, or the problem alone.
  public var description: String { field.map { "\($0): \(problem)" } ?? problem }

  public init(field: String? = nil, _ problem: String) {
    self.field = field
    self.problem = problem
  }
}

/// One evaluated weighting: the hyperparameter, the weights' summary, the predicted and actual
/// change of the smooth target, and the metrics on validation and test.
public struct MitigationOutcome: Sendable {
  public var method: MitigationMethod
  public var application: WeightApplication
  /// λ (or K for the drop rules).
  public var value: Double
  /// λ₀ (the natural scale; 1 for the drop rules).
  public var scale: Double
  public var clipping: ClippingReport
  public var droppedCount: Int
  public var weightSum: Double
  /// `Σ_i I_i Δw_i` for the smooth target on validation (seed 001 Eq. 8).
  public var predictedChange: Double
  /// `F(θ_new) − F(θ̂)` for the same smooth target.
  public var actualChange: Double
  /// FairIF only: the predicted TPR/TNR gaps `b + AΔw` and the ones obtained (smooth, validation).
  public var predictedGaps: [Double]?
  public var actualGaps: [Double]?
  public var validation: FairnessEvaluation
  public var test: FairnessEvaluation
  public var notes: [String]
  /// `clipping.count / n`: the fraction of training weights clipped at 0.
  public var clippedFraction: Double
  /// How the value was selected (nil when it was given, not selected).
  public var selection: SelectionReport?
}

/// What a validation selection did: the grid size, the filters and how many values each removed.
public struct SelectionReport: Sendable, Equatable {
  /// The hard validation metric minimized.
  public var metric: FairnessMetric
  public var gridCount: Int
  public var accuracyBudget: Double?
  public var maxClippedFraction: Double?
  public var excluded: Selection.Exclusions
}

/// Everything computed once per split: the ERM model, the influence engine, the target's
/// influence vector, SIM-JACK embeddings and FairIF's difference influences.
public struct MitigationContext<Model: DifferentiableClassifier>: Sendable {
  public let split: Split
  public let trainX: Matrix
  public let validationX: Matrix
  public let testX: Matrix
  public let engine: InfluenceEngine<Model>
  public private(set) var target: FairnessTarget
  public private(set) var targetMetric: FairnessMetric
  /// The smooth surrogate of every target (``target`` and the FairIF rows).
  public let surrogate: SmoothSurrogate
  /// `I_F` (oriented so `F(θ̂) ≥ 0`).
  public private(set) var influence: [Double]
  /// `F(θ̂)`.
  public private(set) var gap: Double
  /// SIM-JACK embeddings (`n × dim`, centred columns, unit rows): the hidden layer of the MLP,
  /// the features for LR.
  public let embeddings: Matrix
  /// FairIF: rows `∂(TPR₀−TPR₁)/∂w`, `∂(TNR₀−TNR₁)/∂w` and the current gaps.
  public let fairIFRows: Matrix
  public let fairIFGaps: [Double]
  let fairIFTargets: [FairnessTarget]
  public let simJackEpsilon: Double
  public let erm: (validation: FairnessEvaluation, test: FairnessEvaluation)
  public var notes: [String]
  /// Trains a model on the weighted loss for ``WeightApplication/retrain`` or
  /// ``WeightApplication/finetune`` (never called with `.ij`); returns the model and an optional note.
  let refit: @Sendable (Model, [Double], WeightApplication) throws -> (Model, String?)

  public var model: Model { engine.model }

  /// Builds the context: fits nothing (`model` is the trained ERM model), computes `G`, `H⁻¹∇F`,
  /// `I_F`, embeddings and the FairIF rows.
  public init(
    model: Model, split: Split, targetMetric: FairnessMetric, block: ParameterBlock, embeddings: Matrix,
    simJackEpsilon: Double = 1e-3, surrogate: SmoothSurrogate = .softmax, notes: [String] = [],
    refit: @escaping @Sendable (Model, [Double], WeightApplication) throws -> (Model, String?)
  ) throws {
    self.split = split
    trainX = split.train.matrix
    validationX = split.validation.matrix
    testX = split.test.matrix
    self.targetMetric = targetMetric
    self.refit = refit
    self.surrogate = surrogate
    self.simJackEpsilon = simJackEpsilon
    self.notes = notes
    do {
      engine = try InfluenceEngine(
        model: model, features: trainX, labels: split.train.labels, block: block, method: .exact)
      (target, influence, gap) = try Self.targetInfluence(
        targetMetric, engine: engine, validation: split.validation, surrogate: surrogate)
      var rows: [Double] = []
      var gaps: [Double] = []
      var targets: [FairnessTarget] = []
      for k in [FairnessTarget.Kind.truePositiveRateGap, .trueNegativeRateGap] {
        let t = try FairnessTarget(kind: k, validation: split.validation, relaxation: surrogate)
        rows.append(contentsOf: try engine.influence(on: t))
        gaps.append(t.value(model))
        targets.append(t)
      }
      fairIFRows = Matrix(rows: 2, columns: trainX.rows, elements: rows)
      fairIFGaps = gaps
      fairIFTargets = targets
    } catch {
      if case .undefinedTarget(let reason) = error {
        throw MitigationInputError("fairness target undefined on the validation split: \(reason)")
      }
      throw error
    }
    self.embeddings = Reweighting.centredNormalizedRows(embeddings)
    erm = (try Self.evaluate(model, validationX, split.validation), try Self.evaluate(model, testX, split.test))
  }

  /// The oriented smooth target of `metric`, its influence vector `I_F` and `F(θ̂)`.
  static func targetInfluence(
    _ metric: FairnessMetric, engine: InfluenceEngine<Model>, validation: Dataset, surrogate: SmoothSurrogate
  ) throws(InfluenceError) -> (FairnessTarget, [Double], Double) {
    let kind: FairnessTarget.Kind
    switch metric {
    case .demographicParityDifference: kind = .demographicParity
    case .equalizedOddsGapSum: kind = .equalizedOdds
    case .equalOpportunityDifference: kind = .equalOpportunity
    default: throw .undefinedTarget(reason: "\(metric.rawValue) is not a reweighting target (dp, eo, deo)")
    }
    let target = try FairnessTarget(kind: kind, validation: validation, relaxation: surrogate)
      .oriented(positiveAt: engine.model)
    return (target, try engine.influence(on: target), target.value(engine.model))
  }

  /// The same context (same ERM model, engine, embeddings, FairIF rows) for another target
  /// metric: only `F`, `I_F` and `F(θ̂)` are recomputed (one more IHVP). Used to select λ/K
  /// separately for DP, EO and DEO (seed 001 Table 2).
  ///
  /// - Throws: ``MitigationInputError`` when the new target is undefined on validation.
  public func retargeted(to metric: FairnessMetric) throws -> Self {
    guard metric != targetMetric else { return self }
    var copy = self
    do {
      (copy.target, copy.influence, copy.gap) = try Self.targetInfluence(
        metric, engine: engine, validation: split.validation, surrogate: surrogate)
    } catch {
      if case .undefinedTarget(let reason) = error {
        throw MitigationInputError("fairness target undefined on the validation split: \(reason)")
      }
      throw error
    }
    copy.targetMetric = metric
    return copy
  }

  static func evaluate(_ model: Model, _ x: Matrix, _ d: Dataset) throws -> FairnessEvaluation {
    try FairnessEvaluation(
      groups: d.groups, labels: d.labels, predictions: model.predict(x), groupNames: d.groupNames,
      classNames: d.classNames)
  }

  /// λ₀ for the continuous rules (F/‖I‖², F/IᵀCI, mean eigenvalue of AAᵀ); 1 for the drop rules.
  public func scale(for method: MitigationMethod) -> Double {
    switch method {
    case .dropK, .dropKUpweightM: return 1
    case .iJack: return Reweighting.iJackScale(gap: gap, influence: influence)
    case .simJack:
      return Reweighting.simJackScale(
        gap: gap, influence: influence, embeddings: embeddings, epsilon: simJackEpsilon, normalize: false)
    case .fairIF:
      var frob = 0.0
      for e in fairIFRows.elements { frob += e * e }
      return frob / 2
    }
  }

  /// The 50-value grid of seed 001 (λ ∈ [0.01, 10]·λ₀, or K up to the number of positive
  /// influences, capped at n/4).
  public func grid(for method: MitigationMethod, count: Int = 50) -> [Double] {
    let n = influence.count
    switch method {
    case .dropK:
      return Selection.integerGrid(maximum: min(influence.count { $0 > 0 }, n / 4), count: count).map { Double($0) }
    case .dropKUpweightM:
      return Selection.integerGrid(
        maximum: min(influence.count { $0 > 0 }, influence.count { $0 < 0 }, n / 4), count: count
      ).map { Double($0) }
    default:
      return Selection.logGrid(count: count, scale: scale(for: method))
    }
  }

  /// The weights of `method` at hyperparameter `value` (K for the drop rules, λ otherwise).
  public func weights(for method: MitigationMethod, value: Double) -> (SampleWeights, FairIFSolution?) {
    switch method {
    case .dropK: return (Reweighting.dropK(influence: influence, k: Int(value)), nil)
    case .dropKUpweightM:
      return (Reweighting.dropKUpweightM(influence: influence, k: Int(value), m: Int(value), upweight: 1), nil)
    case .iJack: return (Reweighting.iJack(influence: influence, lambda: value), nil)
    case .simJack:
      return (
        Reweighting.simJack(
          influence: influence, embeddings: embeddings, lambda: value, epsilon: simJackEpsilon, normalize: false), nil
      )
    case .fairIF:
      let s = Reweighting.fairIF(
        differenceInfluences: fairIFRows, gaps: fairIFGaps, lambda: max(value, 1e-300), maximumIterations: 1000,
        tolerance: 1e-7)
      return (s.weights, s)
    }
  }

  /// Applies the weights (IJ edit or retraining) and evaluates.
  public func outcome(
    method: MitigationMethod, value: Double, application: WeightApplication, evaluateTest: Bool = true
  ) throws -> (outcome: MitigationOutcome, model: Model) {
    let (w, fairIF) = weights(for: method, value: value)
    var notes: [String] = []
    if w.clipping.clipped {
      notes.append(
        "\(w.clipping.count) weight(s) below 0 clipped (mass \(NumberText.short(w.clipping.mass)), smallest raw weight \(NumberText.short(w.clipping.minimumRawWeight)))"
      )
    }
    if let s = fairIF, !s.converged {
      notes.append("FairIF projected gradient did not converge in \(s.iterations) iterations")
    }
    guard w.weights.reduce(0, +) > 0 else { throw MitigationInputError("every weight is zero; lower λ or K") }
    let newModel: Model
    switch application {
    case .ij:
      newModel = try engine.editedModel(weights: w.weights)
    case .retrain, .finetune:
      let (m, note) = try refit(engine.model, w.weights, application)
      newModel = m
      if let note { notes.append(note) }
    }
    let validation = try Self.evaluate(newModel, validationX, split.validation)
    let test = evaluateTest ? try Self.evaluate(newModel, testX, split.test) : validation
    let actualGaps: [Double]? = fairIF == nil ? nil : fairIFTargets.map { $0.value(newModel) }
    let out = MitigationOutcome(
      method: method, application: application, value: value, scale: scale(for: method), clipping: w.clipping,
      droppedCount: w.droppedCount, weightSum: w.weights.reduce(0, +),
      predictedChange: w.predictedChange(influence: influence), actualChange: target.value(newModel) - gap,
      predictedGaps: fairIF?.predictedGaps, actualGaps: actualGaps, validation: validation, test: test, notes: notes,
      clippedFraction: Double(w.clipping.count) / Double(max(w.weights.count, 1)), selection: nil)
    return (out, newModel)
  }

  /// The selection sweep: every grid value with the IJ edit (cheap: one IHVP each), scored by the
  /// hard validation gap of ``targetMetric``; the best value within `accuracyBudget` of ERM's
  /// validation accuracy and with at most `maxClippedFraction` of the weights clipped at 0 (when
  /// given) is then applied with `application` and evaluated on test. The outcome's `selection`
  /// says how many grid values each filter excluded.
  public func select(
    method: MitigationMethod, application: WeightApplication, accuracyBudget: Double? = nil,
    maxClippedFraction: Double? = nil, gridCount: Int = 50
  ) throws -> (chosen: MitigationOutcome, sweep: [MitigationOutcome]) {
    let values = grid(for: method, count: gridCount)
    guard !values.isEmpty else {
      throw MitigationInputError(
        "\(method.rawValue): no training point has an influence of the needed sign; nothing to reweight")
    }
    var sweep: [MitigationOutcome] = []
    var failures: [String] = []
    for v in values {
      do {
        sweep.append(try outcome(method: method, value: v, application: .ij, evaluateTest: false).outcome)
      } catch {
        failures.append("\(NumberText.short(v)): \(error)")
      }
    }
    let metric = targetMetric
    let candidates = sweep.map {
      Selection.Candidate(
        value: $0.value, gap: $0.validation.value(of: metric), accuracy: $0.validation.accuracy,
        clippedFraction: $0.clippedFraction)
    }
    let (bestIndex, excluded) = Selection.bestWithExclusions(
      candidates, baselineAccuracy: erm.validation.accuracy, accuracyBudget: accuracyBudget,
      maxClippedFraction: maxClippedFraction)
    guard let best = bestIndex else {
      var why = ["the validation \(metric.rawValue) is undefined"]
      if accuracyBudget != nil { why.append("every value exceeds the accuracy budget") }
      if let f = maxClippedFraction { why.append("every value clips more than \(NumberText.short(f)) of the weights") }
      throw MitigationInputError("no \(method.rawValue) value qualifies: \(why.joined(separator: ", or "))")
    }
    var chosen = try outcome(method: method, value: sweep[best].value, application: application).outcome
    chosen.selection = SelectionReport(
      metric: metric, gridCount: values.count, accuracyBudget: accuracyBudget, maxClippedFraction: maxClippedFraction,
      excluded: excluded)
    chosen.notes.insert(
      "selected \(method.usesCount ? "K" : "λ") = \(NumberText.short(sweep[best].value)) of \(values.count) on validation \(metric.rawValue)",
      at: 0)
    if let f = maxClippedFraction, excluded.clipping > 0 {
      chosen.notes.insert(
        "selection excluded \(excluded.clipping) of \(values.count) grid values clipping more than \(NumberText.short(f)) of the weights",
        at: 1)
    }
    if !failures.isEmpty {
      chosen.notes.append(
        "\(failures.count) of \(values.count) grid values could not be evaluated (first: \(failures[0]))")
    }
    return (chosen, sweep)
  }
}
