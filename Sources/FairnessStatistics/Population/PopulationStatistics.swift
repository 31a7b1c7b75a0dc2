/// The population law and base-classifier statistics that every memorization result depends on.
///
/// Notation (see `Docs/theory.md`): groups `a in 0..<G`, classes `y in 0..<K`;
/// - `population[a][y] = p[a][y] = P(A=a, Y=y)` (joint; sums to 1);
/// - `confusion[a][y][yh] = C[a][y][yh] = P(Yhat=yh | Y=y, A=a)` (rows sum to 1);
/// - `unmemorizedPrediction[a][yh] = s[a][yh] = P(Yhat=yh | A=a, D=0)`, present only in
///   convention A;
/// - `cap[a][y]`: the most mass of cell (a, y) that may be memorized, `0 <= cap <= p`.
///
/// A value of this type is always valid: shapes agree, G >= 2, K >= 2, probabilities are finite
/// and in [0, 1], rows sum to 1, every group has positive mass. Cells with zero mass are allowed:
/// their cell rates are undefined, so equal-opportunity and equalized-odds entries that involve
/// them are excluded (and `notes` says so). For such cells the confusion row is stored as the
/// unit row `e_y` and is never used in any rate (it is always multiplied by zero mass).
///
/// Generic over the arithmetic: `Double` for floating point, `Rational` for exact answers from
/// integer counts.
public struct PopulationStatistics<T: FieldScalar>: Sendable {
  public let groups: [String]
  public let classes: [String]
  public let population: [[T]]
  public let confusion: [[[T]]]
  public let unmemorizedPrediction: [[T]]?
  public let cap: [[T]]
  /// The integer counts `n[a][y][yh]` when the statistics came from counts (or from rates with
  /// per-cell sample sizes, which imply them).
  public let counts: [[[Int]]]?
  /// Which input field `counts` came from, so that errors about a cell name it.
  public let countsOrigin: CountsOrigin
  /// Human-readable notes produced by validation (zero-mass cells, normalization applied...).
  public let notes: [String]

  /// Creates statistics from already validated arrays. Use `StatisticsDecoder` for user input:
  /// this initializer only checks shapes (a mismatch here is a programming error).
  /// (`@inlinable` so that callers in other modules check the shapes on their concrete `T`, not
  /// through generic value witnesses: `fairmem sweep` builds one per input line.)
  @inlinable public init(
    groups: [String], classes: [String], population: [[T]], confusion: [[[T]]],
    unmemorizedPrediction: [[T]]? = nil, cap: [[T]]? = nil, counts: [[[Int]]]? = nil,
    countsOrigin: CountsOrigin = .counts, notes: [String] = []
  ) {
    let g = groups.count
    let k = classes.count
    precondition(g >= 2 && k >= 2, "need at least two groups and two classes")
    precondition(population.count == g && population.allSatisfy { $0.count == k }, "population shape")
    precondition(
      confusion.count == g && confusion.allSatisfy { $0.count == k && $0.allSatisfy { $0.count == k } },
      "confusion shape")
    precondition(unmemorizedPrediction.map { $0.count == g && $0.allSatisfy { $0.count == k } } ?? true, "s shape")
    precondition(cap.map { $0.count == g && $0.allSatisfy { $0.count == k } } ?? true, "cap shape")
    self.groups = groups
    self.classes = classes
    self.population = population
    self.confusion = confusion
    self.unmemorizedPrediction = unmemorizedPrediction
    self.cap = cap ?? population
    self.counts = counts
    self.countsOrigin = countsOrigin
    self.notes = notes
  }

  @inlinable public var groupCount: Int { groups.count }
  @inlinable public var classCount: Int { classes.count }

  /// Which convention the statistical-parity analysis uses.
  @inlinable public var convention: Convention { unmemorizedPrediction == nil ? .cellRandom : .givenUnmemorized }

  /// `p[a] = Σ_y p[a][y]`, the mass of group `a` (positive by validation).
  @inlinable public func groupMass(_ a: Int) -> T { fieldSum(population[a]) }

  /// Whether cell (a, y) has zero mass, making its cell rates undefined.
  @inlinable public func cellIsEmpty(_ a: Int, _ y: Int) -> Bool { population[a][y].isZero }

  /// `pi[a][y] = P(Y=y | A=a)`, the base rates of group `a`.
  @inlinable public func baseRates(_ a: Int) -> [T] {
    let mass = groupMass(a)
    return population[a].map { $0 / mass }
  }

  /// `F[a][y] = 1 - C[a][y][y]`, the false-negative (miss) rate of class `y` in group `a`.
  @inlinable public func missRate(_ a: Int, _ y: Int) -> T { T.one - confusion[a][y][y] }

  /// `b[a][yh] = Σ_y pi[a][y] C[a][y][yh]`, the base classifier's prediction law in group `a`.
  @inlinable public func basePrediction(_ a: Int) -> [T] {
    let pi = baseRates(a)
    return (0..<classCount).map { yh in fieldSum((0..<classCount).lazy.map { pi[$0] * confusion[a][$0][yh] }) }
  }

  /// Whether the cap equals the population everywhere (the closed forms assume it).
  @inlinable public var capIsPopulation: Bool {
    (0..<groupCount).allSatisfy { a in (0..<classCount).allSatisfy { cap[a][$0] == population[a][$0] } }
  }

  /// Total memorizable mass `Σ cap`.
  @inlinable public var totalCap: T { fieldSum(cap.joined()) }

  /// The same statistics in floating point.
  public func toDouble() -> PopulationStatistics<Double> {
    PopulationStatistics<Double>(
      groups: groups, classes: classes,
      population: population.map { $0.map(\.doubleValue) },
      confusion: confusion.map { $0.map { $0.map(\.doubleValue) } },
      unmemorizedPrediction: unmemorizedPrediction?.map { $0.map(\.doubleValue) },
      cap: cap.map { $0.map(\.doubleValue) }, counts: counts, countsOrigin: countsOrigin, notes: notes)
  }
}

/// The input field integer counts came from.
public enum CountsOrigin: String, Sendable, Codable {
  /// `counts`: the confusion counts `n[a][y][yh]` themselves.
  case counts
  /// `sample_sizes`: records per cell `n[a][y]` next to `population` and `confusion`; the
  /// counts are `n[a][y] · C[a][y][yh]` (whole numbers by validation).
  case sampleSizes = "sample_sizes"
}

/// How the unmemorized part of the population is predicted.
public enum Convention: String, Sendable, Codable {
  /// Convention B (default): memorization is random within each cell (a, y), so the unmemorized
  /// part of every cell keeps the base confusion row `C[a][y]`.
  case cellRandom = "B"
  /// Convention A: the user gives the prediction law `s[a]` on the unmemorized part of each group.
  case givenUnmemorized = "A"
}
