import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory
import Testing
import _TestSupport

/// R0-R3 against a brute-force mixture over a finite population of individuals with features.
///
/// Each individual has a group, a label, a discrete feature, a base prediction and a weight. A
/// memorization assigns each individual a memorized fraction `d_i` (the part of its weight with
/// D = 1). Rates of the memorizing classifier are then sums over individuals:
/// `P(Yhat=yh | E) = Σ_{i in E} w_i (d_i [y_i = yh] + (1 - d_i) [yhat_i = yh]) / Σ_{i in E} w_i`.
/// This never uses confusion matrices, cell masses or the affine forms.
@Suite("R0-R3 vs brute-force mixture over individuals")
struct BruteForceMixtureTests {
  struct Individual {
    var group: Int
    var label: Int
    var feature: Int
    var prediction: Int
    var weight: Double
  }

  struct Population {
    var groups: Int
    var classes: Int
    var people: [Individual]
    var totalWeight: Double { people.reduce(0) { $0 + $1.weight } }
  }

  /// A random population: labels depend on the feature, predictions are either a deterministic
  /// function of (group, feature) or an independent draw fixed per individual.
  static func randomPopulation(using rng: inout some RandomNumberGenerator) -> Population {
    let g = Int.random(in: 2...4, using: &rng)
    let k = Int.random(in: 2...5, using: &rng)
    let features = Int.random(in: 2...4, using: &rng)
    let deterministic = Bool.random(using: &rng)
    let table = (0..<g).map { _ in (0..<features).map { _ in Int.random(in: 0..<k, using: &rng) } }
    // A per-feature label preference, so labels and features are correlated.
    let labelBias = (0..<features).map { _ in Int.random(in: 0..<k, using: &rng) }
    var people: [Individual] = []
    for a in 0..<g {
      for _ in 0..<Int.random(in: 3...30, using: &rng) {
        let f = Int.random(in: 0..<features, using: &rng)
        let y = Bool.random(using: &rng) ? labelBias[f] : Int.random(in: 0..<k, using: &rng)
        let prediction: Int
        if deterministic {
          prediction = table[a][f]
        } else {
          prediction = uniform(0, 1, using: &rng) < 0.6 ? y : Int.random(in: 0..<k, using: &rng)
        }
        people.append(
          Individual(group: a, label: y, feature: f, prediction: prediction, weight: uniform(0.1, 2, using: &rng)))
      }
    }
    return Population(groups: g, classes: k, people: people)
  }

  /// Base statistics of a population: `p[a][y]`, and `C[a][y][yh]` computed from the weights
  /// `unmemorized_i = w_i (1 - d_i)` (d = 0 gives the base confusion). Empty cells get `e_y`.
  static func statistics(_ pop: Population, memorized d: [Double]? = nil, conventionA: Bool = false)
    -> PopulationStatistics<Double>
  {
    let g = pop.groups
    let k = pop.classes
    let total = pop.totalWeight
    var mass = Array(repeating: Array(repeating: 0.0, count: k), count: g)
    var hits = Array(repeating: Array(repeating: Array(repeating: 0.0, count: k), count: k), count: g)
    var rest = Array(repeating: Array(repeating: 0.0, count: k), count: g)
    var groupPrediction = Array(repeating: Array(repeating: 0.0, count: k), count: g)
    for (i, person) in pop.people.enumerated() {
      let unmemorized = person.weight * (1 - (d?[i] ?? 0))
      mass[person.group][person.label] += person.weight
      hits[person.group][person.label][person.prediction] += unmemorized
      rest[person.group][person.label] += unmemorized
      groupPrediction[person.group][person.prediction] += unmemorized
    }
    let population = mass.map { $0.map { $0 / total } }
    var confusion: [[[Double]]] = []
    for a in 0..<g {
      var rows: [[Double]] = []
      for y in 0..<k {
        if rest[a][y] > 0 {
          let r = rest[a][y]
          rows.append(hits[a][y].map { $0 / r })
        } else {
          rows.append(unitRow(k, y))
        }
      }
      confusion.append(rows)
    }
    var s: [[Double]]? = nil
    if conventionA {
      s = groupPrediction.map { (row: [Double]) -> [Double] in
        let t = row.reduce(0, +)
        return row.map { $0 / t }
      }
    }
    return PopulationStatistics(
      groups: (0..<g).map { "g\($0)" }, classes: (0..<k).map { "c\($0)" }, population: population,
      confusion: confusion, unmemorizedPrediction: s)
  }

  /// `x[a][y] = Σ_{i in (a,y)} d_i w_i / W`.
  static func memorizedMass(_ pop: Population, _ d: [Double]) -> [[Double]] {
    var x = Array(repeating: Array(repeating: 0.0, count: pop.classes), count: pop.groups)
    let total = pop.totalWeight
    for (i, person) in pop.people.enumerated() { x[person.group][person.label] += d[i] * person.weight / total }
    return x
  }

  /// Brute-force `P(Yhat=yh | E)` for the event E = `include`.
  static func rate(_ pop: Population, _ d: [Double], where include: (Individual) -> Bool) -> [Double]? {
    var num = Array(repeating: 0.0, count: pop.classes)
    var den = 0.0
    for (i, person) in pop.people.enumerated() where include(person) {
      num[person.label] += person.weight * d[i]
      num[person.prediction] += person.weight * (1 - d[i])
      den += person.weight
    }
    return den > 0 ? num.map { $0 / den } : nil
  }

  /// Checks group rates, cell rates, every metric entry and the scalar summaries of the
  /// memorizing classifier three ways (BiasReport, AffineForm values, MixtureRule) against
  /// the brute-force enumeration. Returns the number of values compared.
  @discardableResult
  static func compareAllRoutes(
    _ pop: Population, _ d: [Double], _ stats: PopulationStatistics<Double>, checkCells: Bool, tolerance: Double
  ) -> Int {
    let x = memorizedMass(pop, d)
    let report = stats.biasReport(memorized: x)
    let mixture = MixtureRule(stats)
    var compared = 0
    var failures: [String] = []
    // One #expect per population (not per value): Swift Testing's per-expectation overhead
    // dominates otherwise. The first few failures are reported in full.
    defer { #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(5))") }
    func check(_ a: Double, _ b: Double, _ what: @autoclosure () -> String) {
      compared += 1
      if !(abs(a - b) <= tolerance) && failures.count < 20 { failures.append("\(what()): \(a) vs \(b)") }
    }
    var groupRates: [[Double]] = []
    var cellRates: [[[Double]?]] = []
    for a in 0..<pop.groups {
      let brute = rate(pop, d) { $0.group == a }!
      groupRates.append(brute)
      let viaMixture = mixture.groupPrediction(group: a, memorized: x)
      for yh in 0..<pop.classes {
        check(report.groupRates[a][yh], brute[yh], "group rate (report) a=\(a) yh=\(yh)")
        check(
          stats.groupRateForm(group: a, predicted: yh).value(at: x), brute[yh], "group rate (affine) a=\(a) yh=\(yh)")
        check(viaMixture[yh], brute[yh], "group rate (mixture) a=\(a) yh=\(yh)")
      }
      var cells: [[Double]?] = []
      for y in 0..<pop.classes {
        let bruteCell = rate(pop, d) { $0.group == a && $0.label == y }
        cells.append(bruteCell)
        #expect((bruteCell == nil) == (report.cellRates[a][y] == nil), "cell (\(a),\(y)) emptiness")
        guard checkCells, let bruteCell, let reported = report.cellRates[a][y] else { continue }
        let viaMixture = mixture.cellPrediction(group: a, trueClass: y, memorized: x)!
        for yh in 0..<pop.classes {
          check(reported[yh], bruteCell[yh], "cell rate (report) a=\(a) y=\(y) yh=\(yh)")
          check(
            stats.cellRateForm(group: a, trueClass: y, predicted: yh).value(at: x), bruteCell[yh], "cell rate (affine)")
          check(viaMixture[yh], bruteCell[yh], "cell rate (mixture)")
        }
      }
      cellRates.append(cells)
    }
    // Every entry of every metric, against the brute-force rates.
    for metric in FairnessMetric.gapVectors where checkCells || metric == .statisticalParity {
      let entries = report.entries[metric] ?? []
      #expect(entries.count == stats.allEntries(for: metric, options: MetricOptions()).count)
      for item in entries {
        let e = item.entry
        let brute: Double
        if let y = e.rate.trueClass {
          brute = cellRates[e.first][y]![e.rate.predictedClass] - cellRates[e.second][y]![e.rate.predictedClass]
        } else {
          brute = groupRates[e.first][e.rate.predictedClass] - groupRates[e.second][e.rate.predictedClass]
        }
        check(item.value, brute, "\(item.label) (report)")
        check(stats.entryForm(e).value(at: x), brute, "\(item.label) (affine)")
        check(mixture.entryValue(e, memorized: x), brute, "\(item.label) (mixture)")
      }
    }
    guard checkCells else { return compared }
    // Scalar summaries for the favorable (last) class, by enumeration.
    let c = pop.classes - 1
    let summary = report.summary
    var accuracies: [Double] = []
    var tprs: [Double?] = []
    var fprs: [Double?] = []
    for a in 0..<pop.groups {
      let correct = pop.people.indices.filter { pop.people[$0].group == a }.reduce(0.0) { total, i in
        let p = pop.people[i]
        return total + p.weight * (d[i] + (1 - d[i]) * (p.prediction == p.label ? 1 : 0))
      }
      let mass = pop.people.filter { $0.group == a }.reduce(0.0) { $0 + $1.weight }
      accuracies.append(correct / mass)
      tprs.append(cellRates[a][c]?[c])
      fprs.append(rate(pop, d) { $0.group == a && $0.label != c }?[c])
      check(summary.selectionRates[a], groupRates[a][c], "selection rate a=\(a)")
      check(summary.accuracies[a], accuracies[a], "accuracy a=\(a)")
      #expect((summary.truePositiveRates[a] == nil) == (tprs[a] == nil))
      #expect((summary.falsePositiveRates[a] == nil) == (fprs[a] == nil))
      if let t = tprs[a], let s = summary.truePositiveRates[a] { check(s, t, "TPR a=\(a)") }
      if let f = fprs[a], let s = summary.falsePositiveRates[a] { check(s, f, "FPR a=\(a)") }
    }
    let selection = groupRates.map { $0[c] }
    check(summary.demographicParityDifference, selection.max()! - selection.min()!, "DPD")
    check(summary.accuracyDifference, accuracies[0] - accuracies[1], "accuracy difference")
    check(summary.worstGroupAccuracy, accuracies.min()!, "worst-group accuracy")
    let overall = rate(pop, d) { _ in true }!
    let overallAccuracy =
      pop.people.indices.reduce(0.0) { total, i in
        let p = pop.people[i]
        return total + p.weight * (d[i] + (1 - d[i]) * (p.prediction == p.label ? 1 : 0))
      } / pop.totalWeight
    _ = overall
    check(summary.overallAccuracy, overallAccuracy, "overall accuracy")
    if tprs.allSatisfy({ $0 != nil }) && fprs.allSatisfy({ $0 != nil }) {
      let t = tprs.map { $0! }
      let f = fprs.map { $0! }
      check(summary.equalizedOddsDifference ?? .nan, max(t.max()! - t.min()!, f.max()! - f.min()!), "EOdds difference")
    } else {
      #expect(summary.equalizedOddsDifference == nil)
    }
    if let t0 = tprs[0], let t1 = tprs[1] {
      check(summary.equalOpportunityDifference ?? .nan, t0 - t1, "EOpp difference")
      if let f0 = fprs[0], let f1 = fprs[1] {
        check(summary.averageOddsDifference ?? .nan, ((f0 - f1) + (t0 - t1)) / 2, "average odds difference")
      }
    }
    return compared
  }

  @Test("convention B: memorizing a fraction of every cell uniformly over its members")
  func conventionB() {
    var rng = TestSeed.generator(default: 0xB0B_0001)
    var compared = 0
    for _ in 0..<300 {
      let pop = Self.randomPopulation(using: &rng)
      let stats = Self.statistics(pop)
      // Fraction rho[a][y] of every cell, the same for every member: D is independent of the
      // feature within a cell, which is exactly convention B.
      let rho = (0..<pop.groups).map { _ in
        (0..<pop.classes).map { _ -> Double in
          let roll = uniform(0, 1, using: &rng)
          return roll < 0.15 ? 0 : roll < 0.3 ? 1 : uniform(0, 1, using: &rng)
        }
      }
      let d = pop.people.map { rho[$0.group][$0.label] }
      compared += Self.compareAllRoutes(pop, d, stats, checkCells: true, tolerance: Tolerance.tight)
      // Base classifier (d = 0) too.
      compared += Self.compareAllRoutes(pop, d.map { _ in 0 }, stats, checkCells: true, tolerance: Tolerance.tight)
    }
    print("[bruteforce B] compared \(compared) values")
  }

  @Test("convention A: arbitrary feature-dependent memorization, s[a] by enumeration")
  func conventionA() {
    var rng = TestSeed.generator(default: 0xA0A_0001)
    var compared = 0
    for _ in 0..<300 {
      let pop = Self.randomPopulation(using: &rng)
      // D depends on (group, feature) and, for some, on the individual: not cell-random.
      let features = (pop.people.map(\.feature).max() ?? 0) + 1
      let table = (0..<pop.groups).map { _ in
        (0..<features).map { _ -> Double in
          let roll = uniform(0, 1, using: &rng)
          return roll < 0.3 ? 0 : roll < 0.5 ? 1 : uniform(0, 1, using: &rng)
        }
      }
      var d = pop.people.map { person -> Double in
        uniform(0, 1, using: &rng) < 0.2 ? uniform(0, 1, using: &rng) : table[person.group][person.feature]
      }
      // Every group keeps some unmemorized mass (otherwise s[a] is undefined).
      for a in 0..<pop.groups {
        let members = pop.people.indices.filter { pop.people[$0].group == a }
        if members.allSatisfy({ d[$0] == 1 }) { d[members[0]] = 0.5 }
      }
      // Convention A statistics: s[a] = P(Yhat | A=a, D=0) and the unmemorized confusion C^u,
      // both by enumeration; p is the true population law.
      let stats = Self.statistics(pop, memorized: d, conventionA: true)
      #expect(stats.convention == .givenUnmemorized)
      compared += Self.compareAllRoutes(pop, d, stats, checkCells: true, tolerance: Tolerance.tight)
    }
    print("[bruteforce A] compared \(compared) values")
  }

  @Test("convention B differs from brute force when D is feature-dependent (the convention matters)")
  func conventionBIsAnAssumption() {
    // One group with two features in the same cell: memorizing only the misclassified feature
    // is not cell-random, so convention B's group rate (which assumes the memorized part of the
    // cell has the cell's confusion) differs from the truth. Guards against a vacuous test.
    let people: [Individual] = [
      .init(group: 0, label: 0, feature: 0, prediction: 0, weight: 1),
      .init(group: 0, label: 0, feature: 1, prediction: 1, weight: 1),
      .init(group: 0, label: 1, feature: 0, prediction: 1, weight: 1),
      .init(group: 1, label: 0, feature: 0, prediction: 0, weight: 1),
      .init(group: 1, label: 1, feature: 0, prediction: 0, weight: 1),
    ]
    let pop = Population(groups: 2, classes: 2, people: people)
    let d: [Double] = [0, 1, 0, 0, 0]
    let stats = Self.statistics(pop)
    let x = Self.memorizedMass(pop, d)
    let brute = Self.rate(pop, d) { $0.group == 0 }!
    // Truth: group 0 predicts class 0 for individuals 0 and 1 (memorized, label 0): 2/3.
    #expect(abs(brute[0] - 2.0 / 3.0) < 1e-15)
    // Convention B: cell (0,0) has C = [1/2, 1/2]; x[0][0] = 1/5 of total 5 -> memorized weight 1 of
    // the cell's 2; unmemorized weight 1 predicted with [1/2, 1/2]: rate(0) = (1 + 1/2) / 3 = 1/2.
    let viaB = MixtureRule(stats).groupPrediction(group: 0, memorized: x)
    #expect(abs(viaB[0] - 0.5) < 1e-15)
  }

  @Test("AffineForm.value(at:) equals MixtureRule at random x (both conventions, caps, zero cells)")
  func affineEqualsMixture() {
    var rng = TestSeed.generator(default: 0xAFF_0002)
    var worst = 0.0
    var count = 0
    for i in 0..<1000 {
      let shape = InstanceShape(zeroCellProbability: 0.1, conventionA: i % 2 == 1, capProbability: 0.5)
      let stats = randomStatistics(shape, using: &rng)
      let x = randomMemorization(stats, using: &rng)
      let mixture = MixtureRule(stats)
      for a in 0..<stats.groupCount {
        let rates = mixture.groupPrediction(group: a, memorized: x)
        let spec = specGroupRates(stats, x, group: a)
        for yh in 0..<stats.classCount {
          let affine = stats.groupRateForm(group: a, predicted: yh).value(at: x)
          worst = max(worst, abs(affine - rates[yh]), abs(spec[yh] - rates[yh]))
          count += 1
        }
        for y in 0..<stats.classCount {
          let cell = mixture.cellPrediction(group: a, trueClass: y, memorized: x)
          #expect((cell == nil) == stats.cellIsEmpty(a, y))
          guard let cell else { continue }
          for yh in 0..<stats.classCount {
            let affine = stats.cellRateForm(group: a, trueClass: y, predicted: yh).value(at: x)
            worst = max(worst, abs(affine - cell[yh]))
            count += 1
          }
        }
      }
      for metric in FairnessMetric.gapVectors {
        let spec = specEntries(stats, x, metric: metric)
        let entries = stats.allEntries(for: metric, options: MetricOptions())
        #expect(entries.count == spec.count, "\(metric): \(entries.count) entries vs \(spec.count) by hand")
        for e in entries {
          let affine = stats.entryForm(e).value(at: x)
          let direct = mixture.entryValue(e, memorized: x)
          worst = max(worst, abs(affine - direct), abs((spec[specKey(e)] ?? .nan) - direct))
          count += 1
        }
      }
    }
    print("[affine vs mixture] \(count) values, worst |difference| \(worst)")
    #expect(worst <= Tolerance.tight)
  }

  @Test("uniform memorization: EOpp/EOdds scale by (1-pD); SP moves toward the base-rate gap")
  func uniformMemorization() {
    var rng = TestSeed.generator(default: 0x0F1_0003)
    var worst = 0.0
    for i in 0..<1000 {
      let stats = randomStatistics(InstanceShape(zeroCellProbability: 0.05, conventionA: i % 3 == 0), using: &rng)
      let pD = i % 10 == 0 ? (i % 20 == 0 ? 0 : 1) : uniform(0, 1, using: &rng)
      let x = stats.uniformMemorization(pD)
      #expect(abs(x.joined().reduce(0, +) - pD) <= Tolerance.tight)
      let base = stats.biasReport(memorized: stats.noMemorization)
      let now = stats.biasReport(memorized: x)
      for metric in [FairnessMetric.equalOpportunity, .equalizedOdds] {
        for (b, n) in zip(base.entries[metric]!, now.entries[metric]!) {
          #expect(b.entry == n.entry)
          worst = max(worst, abs(n.value - (1 - pD) * b.value))
        }
      }
      for (b, n) in zip(base.entries[.statisticalParity]!, now.entries[.statisticalParity]!) {
        let e = n.entry
        let gap = stats.baseRates(e.first)[e.rate.predictedClass] - stats.baseRates(e.second)[e.rate.predictedClass]
        worst = max(worst, abs(n.value - ((1 - pD) * b.value + pD * gap)))
      }
    }
    print("[uniform] worst deviation \(worst)")
    #expect(worst <= Tolerance.tight)
  }
}
