public import FairnessData
public import FairnessStatistics
import Foundation
public import Influence

/// How the hyperparameter of one reweighting run is chosen.
public enum ReweightingValue: Sendable, Equatable {
  /// Selected on validation over the 50-value grid (lowest validation gap of the target, within
  /// the accuracy budget and clipping limit when given).
  case selected
  /// λ as a multiple of the natural scale λ₀ (continuous rules).
  case relativeLambda(Double)
  /// K (and M for drop-K/upweight-M).
  case count(Int)
}

/// One `fairmem reweight` run: a data setting, a model, a rule, a target and how to apply it.
public struct ReweightingRequest: Sendable {
  public var dataset: DatasetSource
  public var model: ModelKind
  public var method: MitigationMethod
  public var target: FairnessMetric
  public var application: WeightApplication
  public var value: ReweightingValue
  /// Largest allowed drop of validation accuracy during selection.
  public var accuracyBudget: Double?
  /// During selection, skip values that clip more than this fraction of the weights at 0.
  public var maxClippedFraction: Double?
  /// Split (and training) seed.
  public var seed: UInt64
  public var dataDirectory: String
  /// Small data and short training (tests).
  public var quick: Bool
  /// Also evaluate every value of the 50-value grid (IJ edit, and `application` when it is not IJ).
  public var sweep: Bool
  public var surrogate: SmoothSurrogate

  public init(
    dataset: DatasetSource = .benchmark(.syntheticGroupSize), model: ModelKind = .lr, method: MitigationMethod = .iJack,
    target: FairnessMetric = .equalizedOddsGapSum, application: WeightApplication = .ij,
    value: ReweightingValue = .selected,
    accuracyBudget: Double? = nil, maxClippedFraction: Double? = nil, seed: UInt64 = 0,
    dataDirectory: String = RealDataset.defaultDirectory, quick: Bool = false, sweep: Bool = false,
    surrogate: SmoothSurrogate = .softmax
  ) {
    self.dataset = dataset
    self.model = model
    self.method = method
    self.target = target
    self.application = application
    self.value = value
    self.accuracyBudget = accuracyBudget
    self.maxClippedFraction = maxClippedFraction
    self.seed = seed
    self.dataDirectory = dataDirectory
    self.quick = quick
    self.sweep = sweep
    self.surrogate = surrogate
  }
}

/// What `fairmem reweight` reports (the schema of `reweight --json`): ERM's metrics, the
/// smooth gap and scale, the chosen (or given) weighting, and optionally the whole grid.
public struct ReweightingReport: Codable, Sendable, Equatable {
  public struct ERM: Codable, Sendable, Equatable {
    public var validation: EvaluationReport
    public var test: EvaluationReport
  }

  public var dataset: DatasetSource
  public var model: ModelKind
  public var method: MitigationMethod
  public var target: FairnessMetric
  public var application: WeightApplication
  public var seed: UInt64
  public var quick: Bool
  public var surrogate: SmoothSurrogate
  public var maxClippedFraction: Double?
  public var erm: ERM
  /// `F(θ̂)`: the smooth validation gap of the target.
  public var gap: Double
  /// λ₀ of the method (1 for the drop rules).
  public var scale: Double
  /// Notes of the ERM run (convergence).
  public var notes: [String]
  /// The chosen (or given) weighting.
  public var result: OutcomeReport
  /// Every grid value (present only when requested).
  public var sweep: [OutcomeReport]?

  enum CodingKeys: String, CodingKey {
    case dataset, model, method, target, application, seed, quick, surrogate, erm, gap, scale, notes, result, sweep
    case maxClippedFraction = "max_clipped_fraction"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(dataset, forKey: .dataset)
    try c.encode(model, forKey: .model)
    try c.encode(method, forKey: .method)
    try c.encode(target, forKey: .target)
    try c.encode(application, forKey: .application)
    try c.encode(seed, forKey: .seed)
    try c.encode(quick, forKey: .quick)
    try c.encode(surrogate, forKey: .surrogate)
    try c.encode(maxClippedFraction, forKey: .maxClippedFraction)
    try c.encode(erm, forKey: .erm)
    try c.encode(gap, forKey: .gap)
    try c.encode(scale, forKey: .scale)
    try c.encode(notes, forKey: .notes)
    try c.encode(result, forKey: .result)
    if let sweep { try c.encode(sweep, forKey: .sweep) }
  }
}

/// `fairmem reweight`: train ERM on one split, turn the influences on the target into weights
/// with one rule, apply them and evaluate (see Docs/mitigation.md).
public enum ReweightingExperiment {
  /// Runs `request`.
  ///
  /// - Throws: ``MitigationInputError`` (bad input, exit 2) when the data or the rule cannot be
  ///   used (for example no value qualifies for selection); `FairnessDataError` for missing or
  ///   malformed data; model and influence errors as they arise.
  public static func run(_ request: ReweightingRequest, progress: ((String) -> Void)? = nil) throws
    -> ReweightingReport
  {
    let method = request.method
    let run = try MitigationRunner.prepare(
      dataset: request.dataset, model: request.model, target: request.target, seed: request.seed,
      dataDirectory: request.dataDirectory, quick: request.quick, surrogate: request.surrogate, progress: progress)
    var sweep: [OutcomeReport]?
    let chosen: MitigationOutcome
    do {
      switch request.value {
      case .relativeLambda(let lambda):
        guard lambda > 0, lambda.isFinite, !method.usesCount else {
          throw MitigationInputError("λ must be a positive number for a continuous rule, got \(lambda)")
        }
        chosen = try run.outcomeOnly(
          method: method, value: lambda * run.scale(for: method), application: request.application)
      case .count(let k):
        guard k >= 1, method.usesCount else {
          throw MitigationInputError("K must be at least 1 for a drop rule, got \(k)")
        }
        chosen = try run.outcomeOnly(method: method, value: Double(k), application: request.application)
      case .selected:
        chosen = try run.select(
          method: method, application: request.application, accuracyBudget: request.accuracyBudget,
          maxClippedFraction: request.maxClippedFraction, gridCount: 50
        ).chosen
      }
      if request.sweep {
        var outcomes: [OutcomeReport] = []
        for v in run.grid(for: method, count: 50) {
          outcomes.append(OutcomeReport(try run.outcomeOnly(method: method, value: v, application: .ij)))
          if request.application != .ij {
            outcomes.append(
              OutcomeReport(try run.outcomeOnly(method: method, value: v, application: request.application)))
          }
        }
        sweep = outcomes
      }
    } catch let e as MitigationInputError {
      throw MitigationInputError(field: method.rawValue, e.description)
    }
    return ReweightingReport(
      dataset: request.dataset, model: request.model, method: method, target: request.target,
      application: request.application, seed: request.seed, quick: request.quick, surrogate: request.surrogate,
      maxClippedFraction: request.maxClippedFraction,
      erm: .init(validation: EvaluationReport(run.erm.validation), test: EvaluationReport(run.erm.test)), gap: run.gap,
      scale: run.scale(for: method), notes: run.notes, result: OutcomeReport(chosen), sweep: sweep)
  }
}
