import FairnessData
import SeededRandom
import Testing
import _TestSupport

@Suite("Synthetic populations")
struct SyntheticTests {
  /// Three classes, two groups, class- and group-dependent Gaussians with correlated covariance.
  static func population() throws -> SyntheticPopulation {
    let cov = [2.0, 0.6, 0.6, 0.5]
    let g0 = [
      try Gaussian(mean: [0, 0], covariance: cov), try Gaussian(mean: [2, -1], covariance: cov),
      try Gaussian(mean: [-3, 1], standardDeviation: 0.5),
    ]
    let g1 = [
      try Gaussian(mean: [1, 1], covariance: cov), try Gaussian(mean: [0, 4], standardDeviation: 2),
      try Gaussian(mean: [5, 5], covariance: cov),
    ]
    return try SyntheticPopulation(
      groupProportions: [0.7, 0.3], baseRates: [[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]],
      features: .perGroupAndClass([g0, g1]))
  }

  /// `|observed - expected| <= z * standard error` for a binomial proportion.
  static func withinBand(_ count: Int, _ n: Int, _ p: Double, z: Double = 5) -> Bool {
    abs(Double(count) / Double(n) - p) <= z * (p * (1 - p) / Double(n)).squareRoot() + 1e-12
  }

  @Test("The exact law is returned alongside the sample")
  func exactLaw() throws {
    let pop = try Self.population()
    #expect(mismatch(pop.joint.flatMap { $0 }, [0.35, 0.21, 0.14, 0.03, 0.18, 0.09], absolute: Tolerance.tight) == nil)
    #expect(mismatch(pop.classMarginal, [0.38, 0.39, 0.23], absolute: Tolerance.tight) == nil)
    let sample = try pop.sample(count: 10, seed: 1)
    #expect(sample.populationJoint == pop.joint)
    #expect(sample.dataset.classCount == 3 && sample.dataset.groupCount == 2 && sample.dataset.featureCount == 2)
  }

  @Test("I.i.d. sampling: empirical P(A, Y), feature means and covariance are within 5-sigma bands")
  func iidMatchesPopulation() throws {
    let pop = try Self.population()
    var rng = TestSeed.generator(default: 404)
    let n = 60_000
    let sample = try pop.sample(count: n, scheme: .iid, using: &rng)
    let data = sample.dataset
    #expect(data.rowCount == n)
    let counts = sample.cellCounts
    for a in 0..<2 {
      for y in 0..<3 {
        #expect(
          Self.withinBand(counts[a][y], n, pop.joint[a][y]),
          "cell (\(a), \(y)): \(counts[a][y]) of \(n) vs p = \(pop.joint[a][y])")
      }
    }
    // Class-conditional means and the covariance of one cell.
    for a in 0..<2 {
      for y in 0..<3 {
        let rows = (0..<n).filter { data.groups[$0] == a && data.labels[$0] == y }
        let comp = pop.component(group: a, label: y)
        for j in 0..<2 {
          let values = rows.map { data.feature(row: $0, column: j) }
          let mean = values.reduce(0, +) / Double(values.count)
          let se = (comp.covariance[j * 2 + j] / Double(values.count)).squareRoot()
          #expect(abs(mean - comp.mean[j]) <= 5 * se, "cell (\(a), \(y)) feature \(j): mean \(mean) vs \(comp.mean[j])")
        }
      }
    }
    let rows = (0..<n).filter { data.groups[$0] == 0 && data.labels[$0] == 0 }
    let x = rows.map { data.feature(row: $0, column: 0) }
    let z = rows.map { data.feature(row: $0, column: 1) }
    let mx = x.reduce(0, +) / Double(x.count)
    let mz = z.reduce(0, +) / Double(z.count)
    let cxz = zip(x, z).map { ($0 - mx) * ($1 - mz) }.reduce(0, +) / Double(x.count)
    // Standard error of a sample covariance: sqrt((s_xx s_zz + s_xz^2) / n).
    let se = ((2.0 * 0.5 + 0.36) / Double(x.count)).squareRoot()
    #expect(abs(cxz - 0.6) <= 6 * se, "covariance \(cxz) vs 0.6")
  }

  @Test("Exact-count sampling hits the apportioned cell counts and chosen group sizes")
  func exactCounts() throws {
    let pop = try Self.population()
    let sample = try pop.sample(count: 1001, scheme: .exactCounts, seed: 3)
    #expect(sample.cellCounts == pop.exactCellCounts(count: 1001))
    #expect(sample.cellCounts.flatMap { $0 }.reduce(0, +) == 1001)
    for a in 0..<2 {
      for y in 0..<3 { #expect(abs(Double(sample.cellCounts[a][y]) - 1001 * pop.joint[a][y]) < 1.5) }
    }
    let sized = try SyntheticPopulation(
      groupSizes: [700, 250, 50], baseRates: [[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]],
      features: .perClass([try Gaussian(mean: [0]), try Gaussian(mean: [1])]))
    let s = try sized.sample(count: 1000, scheme: .exactCounts, seed: 4)
    #expect(s.dataset.groupCounts() == [700, 250, 50])
    #expect(s.cellCounts == [[630, 70], [125, 125], [10, 40]])
    // Rows are shuffled: the groups are interleaved.
    #expect(s.dataset.groups != s.dataset.groups.sorted())
  }

  @Test("Sampling is deterministic under a seed")
  func determinism() throws {
    let pop = try Self.population()
    #expect(try pop.sample(count: 200, seed: 5) == pop.sample(count: 200, seed: 5))
    #expect(try pop.sample(count: 200, seed: 5).dataset != pop.sample(count: 200, seed: 6).dataset)
    #expect(
      try pop.sample(count: 200, scheme: .exactCounts, seed: 5) == pop.sample(count: 200, scheme: .exactCounts, seed: 5)
    )
    // Pinned: groups and labels come from this module's own draws and must not change.
    let pinned = try pop.sample(count: 8, seed: 1).dataset
    #expect(pinned.groups == [0, 1, 0, 1, 0, 0, 0, 0])
    #expect(pinned.labels == [1, 1, 1, 1, 1, 1, 1, 0])
  }

  @Test("Seed 004 bias 1, group size discrepancy: 15% red, same class distribution, equal classes")
  func groupSizeDiscrepancy() throws {
    let pop = try SyntheticPopulation.biasBenchmark(.groupSizeDiscrepancy())
    #expect(pop.groupNames == ["blue", "red"] && pop.classNames == ["odd", "even"])
    #expect(pop.groupProportions == [0.85, 0.15])
    #expect(pop.baseRates[0] == pop.baseRates[1])  // alpha == beta
    #expect(pop.classMarginal == [0.5, 0.5])
    let exact = try pop.sample(count: 20_000, scheme: .exactCounts, seed: 1).cellCounts
    #expect(exact == [[8500, 8500], [1500, 1500]])
    try Self.checkIID(pop, seed: 41)
  }

  @Test("Seed 004 bias 2, group distribution shift: 85% of class 0 and 15% of class 1 are blue")
  func groupDistributionShift() throws {
    let pop = try SyntheticPopulation.biasBenchmark(.groupDistributionShift())
    let joint = pop.joint
    #expect(pop.groupProportions == [0.5, 0.5])
    #expect(pop.classMarginal == [0.5, 0.5])
    #expect(abs(joint[0][0] / pop.classMarginal[0] - 0.85) < Tolerance.tight)  // P(blue | Y = 0)
    #expect(abs(joint[0][1] / pop.classMarginal[1] - 0.15) < Tolerance.tight)  // P(blue | Y = 1)
    #expect(abs(pop.baseRates[0][1] - (1 - pop.baseRates[1][1])) < Tolerance.tight)  // alpha = 1 - beta
    let exact = try pop.sample(count: 20_000, scheme: .exactCounts, seed: 1).cellCounts
    #expect(exact == [[8500, 1500], [1500, 8500]])
    try Self.checkIID(pop, seed: 42)
  }

  @Test("Seed 004 bias 3, class size discrepancy: class 1 is 25% of class 0, groups alike")
  func classSizeDiscrepancy() throws {
    let pop = try SyntheticPopulation.biasBenchmark(.classSizeDiscrepancy())
    #expect(pop.groupProportions == [0.5, 0.5])
    #expect(pop.baseRates[0] == pop.baseRates[1])
    #expect(abs(pop.classMarginal[1] / pop.classMarginal[0] - 0.25) < Tolerance.tight)
    let exact = try pop.sample(count: 20_000, scheme: .exactCounts, seed: 1).cellCounts
    #expect(exact == [[8000, 2000], [8000, 2000]])
    try Self.checkIID(pop, seed: 43)
  }

  /// An i.i.d. sample of a seed-004 population: P(A, Y) within bands, and the features carry
  /// the class on coordinate 0 and the group on coordinate 1.
  static func checkIID(_ pop: SyntheticPopulation, seed: UInt64) throws {
    var rng = TestSeed.generator(default: seed)
    let n = 20_000
    let data = try pop.sample(count: n, using: &rng).dataset
    let counts = data.jointCounts()
    for a in 0..<2 {
      for y in 0..<2 { #expect(withinBand(counts[a][y], n, pop.joint[a][y]), "cell (\(a), \(y))") }
    }
    for (column, index, expected) in [(1, data.groups, [-2.0, 2.0]), (0, data.labels, [-1.0, 1.0])] {
      for value in 0..<2 {
        let rows = (0..<n).filter { index[$0] == value }
        let mean = rows.map { data.feature(row: $0, column: column) }.reduce(0, +) / Double(rows.count)
        #expect(
          abs(mean - expected[value]) <= 5 / Double(rows.count).squareRoot(), "coordinate \(column), value \(value)")
      }
    }
  }

  @Test("Invalid parameters are typed errors")
  func invalidParameters() throws {
    let unit = [try Gaussian(mean: [0]), try Gaussian(mean: [1])]
    #expect(throws: FairnessDataError.self) {
      try SyntheticPopulation(groupProportions: [0.5, 0.6], baseRates: [[1, 0], [1, 0]], features: .perClass(unit))
    }
    #expect(throws: FairnessDataError.self) {
      try SyntheticPopulation(groupProportions: [1], baseRates: [[1.5, -0.5]], features: .perClass(unit))
    }
    #expect(throws: FairnessDataError.self) {
      try SyntheticPopulation(groupProportions: [1], baseRates: [[0.5, 0.5]], features: .perClass([unit[0]]))
    }
    #expect(throws: FairnessDataError.self) {
      try SyntheticPopulation(
        groupProportions: [1], baseRates: [[0.5, 0.5]], features: .perClass([unit[0], try Gaussian(mean: [0, 0])]))
    }
    #expect(throws: FairnessDataError.self) { try Gaussian(mean: [0, 0], covariance: [1, 2, 2, 1]) }  // not PD
    #expect(throws: FairnessDataError.self) { try Gaussian(mean: [0, 0], covariance: [1, 0.5, 0, 1]) }  // not symmetric
    #expect(throws: FairnessDataError.self) { try Gaussian(mean: [.nan]) }
    #expect(throws: FairnessDataError.self) {
      try SyntheticPopulation.biasBenchmark(.groupSizeDiscrepancy(minorityFraction: 1.2))
    }
    #expect(throws: FairnessDataError.self) {
      try SyntheticPopulation.biasBenchmark(.classSizeDiscrepancy(), dimension: 1)
    }
    let pop = try SyntheticPopulation(groupProportions: [1], baseRates: [[0.5, 0.5]], features: .perClass(unit))
    #expect(throws: FairnessDataError.self) { try pop.sample(count: -1, seed: 0) }
  }

  @Test("The Cholesky factor reproduces the covariance")
  func cholesky() throws {
    let cov = [4.0, 1.2, -0.4, 1.2, 2.0, 0.3, -0.4, 0.3, 1.0]
    let g = try Gaussian(mean: [0, 0, 0], covariance: cov)
    var product = [Double](repeating: 0, count: 9)
    for i in 0..<3 {
      for j in 0..<3 {
        for k in 0..<3 { product[i * 3 + j] += g.choleskyFactor[i * 3 + k] * g.choleskyFactor[j * 3 + k] }
      }
    }
    #expect(mismatch(product, cov, absolute: Tolerance.tight) == nil)
  }
}
