public import FairnessStatistics

/// The JSON schema of one `MemorizationAnswer`: `feasible --json`, `bounds --json`, each line of
/// `sweep` (with its `id`) and each result of `analyze --json`. Masses and witnesses are doubles;
/// exact values are fractions written as strings (`"1/5"`).
public struct MemorizationAnswerReport: Codable, Sendable, Equatable {
  /// The Farkas certificate of an infeasible answer.
  public struct Certificate: Codable, Sendable, Equatable {
    /// Always `"farkas"`.
    public var type: String
    /// The LP rows (metric entries) the multipliers belong to.
    public var rows: [String]
    public var multipliers: [Double]
    /// `L(y) - U(y)`; positive proves infeasibility.
    public var gap: Double
    public var verified: Bool
    /// The gap in exact arithmetic (counts with `--exact`).
    public var exactGap: String?

    enum CodingKeys: String, CodingKey {
      case type, rows, multipliers, gap, verified
      case exactGap = "exact_gap"
    }
  }

  /// The closed forms R5-R7 and whether they agree with the LP.
  public struct ClosedForm: Codable, Sendable, Equatable {
    public var rules: [String]
    public var lowerBound: Double?
    public var upperBound: Double?
    public var exactMin: Double?
    public var exactMax: Double?
    public var provesInfeasible: Bool
    public var agreesWithLP: Bool
    public var assumptions: [String]

    enum CodingKeys: String, CodingKey {
      case rules, assumptions
      case lowerBound = "lower_bound"
      case upperBound = "upper_bound"
      case exactMin = "exact_min"
      case exactMax = "exact_max"
      case provesInfeasible = "proves_infeasible"
      case agreesWithLP = "agrees_with_lp"
    }
  }

  /// The certified rational least mass (counts with `--exact`).
  public struct Exact: Codable, Sendable, Equatable {
    public var minMass: String?
    public var witness: [[String]]?
    public var records: String?
    public var closedFormMin: String?
    public var verified: Bool
    public var note: String

    enum CodingKeys: String, CodingKey {
      case witness, records, verified, note
      case minMass = "min_mass"
      case closedFormMin = "closed_form_min"
    }
  }

  public var metric: FairnessMetric
  /// `"A"` or `"B"` for statistical parity, `"cell"` for the cell-rate metrics.
  public var convention: String
  public var tolerance: Double
  /// The favorable class's name when the analysis was restricted to one.
  public var favorable: String?
  public var feasible: Bool
  public var minMass: Double?
  public var maxMass: Double?
  public var witness: [[Double]]?
  public var maxWitness: [[Double]]?
  public var residual: Double?
  public var witnessVerified: Bool?
  public var groups: [String]
  public var classes: [String]
  public var constrainedEntries: [String]
  public var notes: [String]
  public var certificate: Certificate?
  public var closedForm: ClosedForm
  public var exact: Exact?

  enum CodingKeys: String, CodingKey {
    case metric, convention, tolerance, favorable, feasible, witness, residual, groups, classes, notes
    case certificate, exact
    case minMass = "min_mass"
    case maxMass = "max_mass"
    case maxWitness = "max_witness"
    case witnessVerified = "witness_verified"
    case constrainedEntries = "constrained_entries"
    case closedForm = "closed_form"
  }

  public init(_ answer: MemorizationAnswer) {
    metric = answer.metric
    convention = answer.metric == .statisticalParity ? answer.convention.rawValue : "cell"
    tolerance = answer.options.tolerance
    favorable = answer.options.favorableClass.map { answer.classes[$0] }
    feasible = answer.feasible
    minMass = answer.minMass
    maxMass = answer.maxMass
    witness = answer.witness
    maxWitness = answer.maxWitness
    residual = answer.residual
    witnessVerified = answer.witnessVerified
    groups = answer.groups
    classes = answer.classes
    constrainedEntries = answer.constrainedEntries
    notes = answer.notes
    certificate = answer.certificate.map {
      Certificate(
        type: "farkas", rows: $0.rowLabels, multipliers: $0.multipliers, gap: $0.gap, verified: $0.verified,
        exactGap: $0.exactGap?.description)
    }
    let closed = answer.closedForm
    closedForm = ClosedForm(
      rules: closed.rules, lowerBound: closed.lowerBound, upperBound: closed.upperBound,
      exactMin: closed.exactMinimum, exactMax: closed.exactMaximum, provesInfeasible: closed.provesInfeasible,
      agreesWithLP: answer.closedFormAgrees, assumptions: closed.assumptions)
    exact = answer.exact.map {
      Exact(
        minMass: $0.minMass?.description, witness: $0.witness?.map { $0.map(\.description) },
        records: $0.records?.description, closedFormMin: $0.closedFormMinimum?.description, verified: $0.verified,
        note: $0.note)
    }
  }
}

/// One line of `fairmem sweep`: the answer for one instance and metric, with the instance's `id`
/// echoed back (any JSON value; null when the line had none) at the same level as the answer's
/// fields.
public struct SweepAnswerReport<ID: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
  public var id: ID
  public var answer: MemorizationAnswerReport
  /// With `sweep --robust`: the line's robust answer (the key is absent otherwise).
  public var robust: RobustSection?

  private enum IDKey: String, CodingKey { case id, robust }

  public init(id: ID, answer: MemorizationAnswerReport, robust: RobustSection? = nil) {
    self.id = id
    self.answer = answer
    self.robust = robust
  }

  public init(from decoder: any Decoder) throws {
    answer = try MemorizationAnswerReport(from: decoder)
    let container = try decoder.container(keyedBy: IDKey.self)
    id = try container.decode(ID.self, forKey: .id)
    robust = try container.decodeIfPresent(RobustSection.self, forKey: .robust)
  }

  public func encode(to encoder: any Encoder) throws {
    try answer.encode(to: encoder)
    var container = encoder.container(keyedBy: IDKey.self)
    try container.encode(id, forKey: .id)
    if let robust { try container.encode(robust, forKey: .robust) }
  }
}

/// A line of `fairmem sweep` whose instance could not be answered.
public struct SweepFailureReport<ID: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
  /// The 1-based physical line number in the input (blank lines count: they are errors too).
  public var line: Int
  public var id: ID
  /// The error message (field and problem).
  public var error: String
  /// Whether it was FairMem's or the solver's failure (exit 3) rather than bad input (exit 2).
  public var `internal`: Bool
  /// The field the error names (e.g. `population[1][0]`), or `nil`.
  public var field: String?

  public init(line: Int, id: ID, error: String, internal: Bool, field: String? = nil) {
    self.line = line
    self.id = id
    self.error = error
    self.internal = `internal`
    self.field = field
  }
}

/// The JSON schema of the integer version (records per cell) in `analyze --json`.
public struct IntegerAnswerReport: Codable, Sendable, Equatable {
  public var metric: FairnessMetric
  public var tolerance: Double
  public var feasible: Bool
  public var records: [[Int]]?
  public var totalRecords: Int?
  public var populationSize: Int
  public var residual: Double?
  public var continuousLowerBound: Double?
  /// Present only when branch and cut stopped at this many nodes: `total_records` is then the
  /// best found (checked by R0), not proven least.
  public var stoppedAtNodes: Int?

  enum CodingKeys: String, CodingKey {
    case metric, tolerance, feasible, records, residual
    case totalRecords = "total_records"
    case populationSize = "population_size"
    case continuousLowerBound = "continuous_lower_bound"
    case stoppedAtNodes = "stopped_at_nodes"
  }

  /// Every key always, except `stopped_at_nodes`, written only when the search stopped.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(metric, forKey: .metric)
    try c.encode(tolerance, forKey: .tolerance)
    try c.encode(feasible, forKey: .feasible)
    try c.encode(records, forKey: .records)
    try c.encode(totalRecords, forKey: .totalRecords)
    try c.encode(populationSize, forKey: .populationSize)
    try c.encode(residual, forKey: .residual)
    try c.encode(continuousLowerBound, forKey: .continuousLowerBound)
    if let stoppedAtNodes { try c.encode(stoppedAtNodes, forKey: .stoppedAtNodes) }
  }

  public init(_ answer: IntegerMemorizationAnswer) {
    metric = answer.metric
    tolerance = answer.options.tolerance
    feasible = answer.feasible
    records = answer.records
    totalRecords = answer.totalRecords
    populationSize = answer.populationSize
    residual = answer.residual
    continuousLowerBound = answer.continuousLowerBound
    stoppedAtNodes = answer.stoppedAtNodes
  }
}
