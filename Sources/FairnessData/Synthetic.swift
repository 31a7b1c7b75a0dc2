import SeededRandom

/// A multivariate normal distribution N(mean, covariance) in `dimension` dimensions.
public struct Gaussian: Sendable, Equatable, Hashable {
  /// The mean vector.
  public let mean: [Double]
  /// The covariance matrix, `dimension x dimension`, row-major, symmetric positive definite.
  public let covariance: [Double]
  /// Lower-triangular Cholesky factor `L` with `L * L^T = covariance`, row-major.
  public let choleskyFactor: [Double]

  /// The number of dimensions.
  public var dimension: Int { mean.count }

  /// Creates a normal distribution with a full covariance matrix.
  ///
  /// - Throws: `.invalidParameter` when the covariance has the wrong size, is not symmetric, is
  ///   not positive definite, or any entry is not finite.
  public init(mean: [Double], covariance: [Double]) throws(FairnessDataError) {
    let d = mean.count
    guard d > 0 else { throw .invalidParameter(name: "mean", problem: "dimension must be at least 1") }
    guard mean.allSatisfy(\.isFinite) else { throw .invalidParameter(name: "mean", problem: "entries must be finite") }
    guard covariance.count == d * d else {
      throw .invalidParameter(name: "covariance", problem: "has \(covariance.count) entries, expected \(d) x \(d)")
    }
    guard covariance.allSatisfy(\.isFinite) else {
      throw .invalidParameter(name: "covariance", problem: "entries must be finite")
    }
    for i in 0..<d {
      for j in 0..<i
      where abs(covariance[i * d + j] - covariance[j * d + i]) > 1e-12 * max(1, abs(covariance[i * d + j])) {
        throw .invalidParameter(name: "covariance", problem: "not symmetric at (\(i), \(j))")
      }
    }
    var l = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
      for j in 0...i {
        var s = covariance[i * d + j]
        for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
        if i == j {
          guard s > 0 else {
            throw .invalidParameter(name: "covariance", problem: "not positive definite (pivot \(i) is \(s))")
          }
          l[i * d + i] = s.squareRoot()
        } else {
          l[i * d + j] = s / l[j * d + j]
        }
      }
    }
    self.mean = mean
    self.covariance = covariance
    self.choleskyFactor = l
  }

  /// Creates an isotropic normal distribution, covariance `standardDeviation^2 * I`.
  public init(mean: [Double], standardDeviation: Double = 1) throws(FairnessDataError) {
    guard standardDeviation.isFinite, standardDeviation > 0 else {
      throw .invalidParameter(name: "standardDeviation", problem: "\(standardDeviation) is not a positive number")
    }
    let d = mean.count
    var cov = [Double](repeating: 0, count: d * d)
    for i in 0..<d { cov[i * d + i] = standardDeviation * standardDeviation }
    try self.init(mean: mean, covariance: cov)
  }

  /// Appends one draw `mean + L z` (z standard normal) to `output`.
  public func sample(appendingTo output: inout [Double], using rng: inout some RandomNumberGenerator) {
    let d = dimension
    var z = [Double](repeating: 0, count: d)
    for i in 0..<d { z[i] = rng.nextStandardNormal() }
    for i in 0..<d {
      var x = mean[i]
      for k in 0...i { x += choleskyFactor[i * d + k] * z[k] }
      output.append(x)
    }
  }
}

/// The class-conditional feature model of a synthetic population.
public enum ClassConditionalFeatures: Sendable, Equatable, Hashable {
  /// `X | Y = y ~ components[y]`, the same for every group.
  case perClass([Gaussian])
  /// `X | A = a, Y = y ~ components[a][y]`: features may also depend on the group.
  case perGroupAndClass([[Gaussian]])
}

/// How `SyntheticPopulation.sample` chooses how many rows fall in each (group, class) cell.
public enum SamplingScheme: Sendable, Equatable, Hashable {
  /// Every row independently: `A ~ P(A)`, then `Y ~ P(Y | A)`, then `X ~ P(X | A, Y)`. Cell
  /// counts are multinomial around `n * P(A = a, Y = y)`.
  case iid
  /// Fixed cell counts: group sizes are `n * P(A)` and class counts within group `a` are
  /// `n_a * P(Y | A = a)`, each rounded by the largest-remainder method (so they sum to `n`);
  /// only features (and row order) are random. This is how fixed-count benchmarks such as
  /// CI-MNIST are built.
  case exactCounts
}

/// The three bias types of seed 004 (FAIRIF, section 6.1, appendix A and Table 7), with the
/// CI-MNIST semantics: class 0 = "odd", class 1 = "even", group 0 = "blue", group 1 = "red".
public enum SyntheticBias: Sendable, Equatable, Hashable {
  /// Bias 1: `minorityFraction` of the rows (default 15%) are red, the rest blue; both groups
  /// have the same class distribution and the two classes are equally large. P(A) =
  /// (1 - f, f), P(Y = 1 | A) = 1/2 for both groups.
  case groupSizeDiscrepancy(minorityFraction: Double = 0.15)
  /// Bias 2: equal group sizes and equal class sizes, but `share` (default 85%) of class 0 is
  /// blue and only `1 - share` of class 1 is blue. P(A) = (1/2, 1/2), P(Y = 1 | blue) =
  /// 1 - share, P(Y = 1 | red) = share, so alpha = 1 - beta in the paper's notation.
  case groupDistributionShift(share: Double = 0.85)
  /// Bias 3: equal group sizes and the same class distribution in both groups, but class 1 has
  /// `ratio` (default 25%) as many rows as class 0. P(A) = (1/2, 1/2), P(Y = 1 | A) =
  /// ratio / (1 + ratio) for both groups.
  case classSizeDiscrepancy(ratio: Double = 0.25)

  /// The three bias types with seed 004's parameters.
  public static let allBenchmarkTypes: [SyntheticBias] = [
    .groupSizeDiscrepancy(), .groupDistributionShift(), .classSizeDiscrepancy(),
  ]
}

/// A population with known law: groups `A` in `0..<G`, classes `Y` in `0..<K`, Gaussian features.
///
/// `P(A = a) = groupProportions[a]`, `P(Y = y | A = a) = baseRates[a][y]`, and the features are
/// drawn from `features`. The joint law `P(A = a, Y = y) = groupProportions[a] * baseRates[a][y]`
/// (`joint`) is known exactly and returned with every sample.
public struct SyntheticPopulation: Sendable, Equatable, Hashable {
  /// `P(A = a)` for every group.
  public let groupProportions: [Double]
  /// `baseRates[a][y] = P(Y = y | A = a)`.
  public let baseRates: [[Double]]
  /// The class-conditional feature distributions.
  public let features: ClassConditionalFeatures
  /// Names of the groups.
  public let groupNames: [String]
  /// Names of the classes.
  public let classNames: [String]

  /// Creates a population after checking that the probabilities are valid (non-negative,
  /// summing to 1 within 1e-9) and the feature model has one Gaussian per class (or per group and
  /// class), all of one dimension.
  public init(
    groupProportions: [Double], baseRates: [[Double]], features: ClassConditionalFeatures,
    groupNames: [String]? = nil, classNames: [String]? = nil
  ) throws(FairnessDataError) {
    let g = groupProportions.count
    guard g > 0 else { throw .invalidParameter(name: "groupProportions", problem: "at least one group is needed") }
    try Self.checkDistribution(groupProportions, name: "groupProportions")
    guard baseRates.count == g else {
      throw .invalidParameter(name: "baseRates", problem: "has \(baseRates.count) rows for \(g) groups")
    }
    let k = baseRates[0].count
    guard k > 0 else { throw .invalidParameter(name: "baseRates", problem: "at least one class is needed") }
    for (a, row) in baseRates.enumerated() {
      guard row.count == k else {
        throw .invalidParameter(name: "baseRates[\(a)]", problem: "has \(row.count) classes, expected \(k)")
      }
      try Self.checkDistribution(row, name: "baseRates[\(a)]")
    }
    let components: [Gaussian]
    switch features {
    case .perClass(let list):
      guard list.count == k else {
        throw .invalidParameter(name: "features", problem: "has \(list.count) class components for \(k) classes")
      }
      components = list
    case .perGroupAndClass(let table):
      guard table.count == g, table.allSatisfy({ $0.count == k }) else {
        throw .invalidParameter(name: "features", problem: "must have \(g) groups x \(k) classes of components")
      }
      components = table.flatMap { $0 }
    }
    guard let d = components.first?.dimension, components.allSatisfy({ $0.dimension == d }) else {
      throw .invalidParameter(name: "features", problem: "all components must have the same dimension")
    }
    let groupNames = groupNames ?? (0..<g).map { "group \($0)" }
    let classNames = classNames ?? (0..<k).map { "class \($0)" }
    guard groupNames.count == g else { throw .invalidParameter(name: "groupNames", problem: "needs \(g) names") }
    guard classNames.count == k else { throw .invalidParameter(name: "classNames", problem: "needs \(k) names") }
    self.groupProportions = groupProportions
    self.baseRates = baseRates
    self.features = features
    self.groupNames = groupNames
    self.classNames = classNames
  }

  /// Creates a population whose group proportions are `groupSizes / sum(groupSizes)`; sampling
  /// `sum(groupSizes)` rows with `.exactCounts` reproduces the group sizes exactly.
  public init(
    groupSizes: [Int], baseRates: [[Double]], features: ClassConditionalFeatures,
    groupNames: [String]? = nil, classNames: [String]? = nil
  ) throws(FairnessDataError) {
    guard groupSizes.allSatisfy({ $0 >= 0 }), groupSizes.contains(where: { $0 > 0 }) else {
      throw .invalidParameter(name: "groupSizes", problem: "must be non-negative with a positive total")
    }
    let total = Double(groupSizes.reduce(0, +))
    try self.init(
      groupProportions: groupSizes.map { Double($0) / total }, baseRates: baseRates, features: features,
      groupNames: groupNames, classNames: classNames)
  }

  /// A two-group, two-class population with one of the three bias types of seed 004's benchmark
  /// (its CI-MNIST analogue).
  ///
  /// Features live in `dimension >= 2` dimensions with identity covariance: coordinate 0 carries
  /// the class (mean `-classSeparation / 2` for class 0, `+classSeparation / 2` for class 1, the
  /// analogue of the digit's parity), coordinate 1 carries the group (mean `-groupSeparation / 2`
  /// for blue, `+groupSeparation / 2` for red, the analogue of CI-MNIST's background colour), the
  /// other coordinates are pure noise.
  public static func biasBenchmark(
    _ bias: SyntheticBias, dimension: Int = 2, classSeparation: Double = 2, groupSeparation: Double = 4
  ) throws(FairnessDataError) -> SyntheticPopulation {
    guard dimension >= 2 else {
      throw .invalidParameter(name: "dimension", problem: "must be at least 2, got \(dimension)")
    }
    guard classSeparation.isFinite, groupSeparation.isFinite else {
      throw .invalidParameter(name: "separation", problem: "must be finite")
    }
    let groups: [Double]
    let rates: [[Double]]
    switch bias {
    case .groupSizeDiscrepancy(let f):
      guard f > 0, f < 1 else { throw .invalidParameter(name: "minorityFraction", problem: "\(f) is not in (0, 1)") }
      groups = [1 - f, f]
      rates = [[0.5, 0.5], [0.5, 0.5]]
    case .groupDistributionShift(let s):
      guard s > 0, s < 1 else { throw .invalidParameter(name: "share", problem: "\(s) is not in (0, 1)") }
      groups = [0.5, 0.5]
      rates = [[s, 1 - s], [1 - s, s]]
    case .classSizeDiscrepancy(let r):
      guard r > 0, r.isFinite else { throw .invalidParameter(name: "ratio", problem: "\(r) is not positive") }
      let p1 = r / (1 + r)
      groups = [0.5, 0.5]
      rates = [[1 - p1, p1], [1 - p1, p1]]
    }
    var table = [[Gaussian]]()
    for a in 0..<2 {
      var row = [Gaussian]()
      for y in 0..<2 {
        var mean = [Double](repeating: 0, count: dimension)
        mean[0] = (y == 0 ? -0.5 : 0.5) * classSeparation
        mean[1] = (a == 0 ? -0.5 : 0.5) * groupSeparation
        row.append(try Gaussian(mean: mean))
      }
      table.append(row)
    }
    return try SyntheticPopulation(
      groupProportions: groups, baseRates: rates, features: .perGroupAndClass(table),
      groupNames: ["blue", "red"], classNames: ["odd", "even"])
  }

  /// The number of groups `G`.
  public var groupCount: Int { groupProportions.count }
  /// The number of classes `K`.
  public var classCount: Int { baseRates[0].count }
  /// The feature dimension.
  public var dimension: Int { component(group: 0, label: 0).dimension }

  /// The exact joint law `joint[a][y] = P(A = a, Y = y) = P(A = a) * P(Y = y | A = a)`.
  public var joint: [[Double]] {
    (0..<groupCount).map { a in baseRates[a].map { groupProportions[a] * $0 } }
  }

  /// The exact class marginal `P(Y = y)`.
  public var classMarginal: [Double] {
    (0..<classCount).map { y in (0..<groupCount).reduce(0) { $0 + groupProportions[$1] * baseRates[$1][y] } }
  }

  /// The Gaussian of `X | A = group, Y = label`.
  public func component(group: Int, label: Int) -> Gaussian {
    switch features {
    case .perClass(let list): list[label]
    case .perGroupAndClass(let table): table[group][label]
    }
  }

  /// The cell counts `.exactCounts` uses for `count` rows (`[group][class]`).
  public func exactCellCounts(count: Int) -> [[Int]] {
    let sizes = apportion(count, weights: groupProportions)
    return (0..<groupCount).map { apportion(sizes[$0], weights: baseRates[$0]) }
  }

  /// Draws `count` rows. Row order is random under both schemes.
  ///
  /// - Throws: `.invalidParameter` for a negative count.
  public func sample(count: Int, scheme: SamplingScheme = .iid, using rng: inout some RandomNumberGenerator)
    throws(FairnessDataError) -> SyntheticSample
  {
    guard count >= 0 else { throw .invalidParameter(name: "count", problem: "\(count) is negative") }
    var cells = [(group: Int, label: Int)]()
    cells.reserveCapacity(count)
    switch scheme {
    case .iid:
      for _ in 0..<count {
        let a = rng.categorical(groupProportions)
        cells.append((a, rng.categorical(baseRates[a])))
      }
    case .exactCounts:
      let counts = exactCellCounts(count: count)
      for a in 0..<groupCount {
        for y in 0..<classCount { cells.append(contentsOf: repeatElement((group: a, label: y), count: counts[a][y])) }
      }
      cells.seededShuffle(using: &rng)
    }
    var x = [Double]()
    x.reserveCapacity(count * dimension)
    for (a, y) in cells { component(group: a, label: y).sample(appendingTo: &x, using: &rng) }
    let dataset = Dataset(
      unchecked: x, featureNames: (0..<dimension).map { "x\($0)" }, labels: cells.map(\.label),
      classNames: classNames, groups: cells.map(\.group), groupNames: groupNames, name: "synthetic")
    return SyntheticSample(dataset: dataset, population: self, scheme: scheme)
  }

  /// `sample(count:scheme:using:)` with `SplitMix64(seed: seed)`.
  public func sample(count: Int, scheme: SamplingScheme = .iid, seed: UInt64) throws(FairnessDataError)
    -> SyntheticSample
  {
    var rng = SplitMix64(seed: seed)
    return try sample(count: count, scheme: scheme, using: &rng)
  }

  static func checkDistribution(_ p: [Double], name: String) throws(FairnessDataError) {
    guard p.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
      throw .invalidParameter(name: name, problem: "probabilities must be finite and non-negative: \(p)")
    }
    let sum = p.reduce(0, +)
    guard abs(sum - 1) <= 1e-9 else {
      throw .invalidParameter(name: name, problem: "probabilities sum to \(sum), not 1")
    }
  }
}

/// A synthetic sample together with the exact law it was drawn from.
public struct SyntheticSample: Sendable, Equatable {
  /// The drawn rows.
  public let dataset: Dataset
  /// The population the rows were drawn from.
  public let population: SyntheticPopulation
  /// How cell counts were chosen.
  public let scheme: SamplingScheme

  /// The exact population law `P(A = a, Y = y)`, `[group][class]`.
  public var populationJoint: [[Double]] { population.joint }
  /// The empirical counts of the sample, `[group][class]`.
  public var cellCounts: [[Int]] { dataset.jointCounts() }
}
