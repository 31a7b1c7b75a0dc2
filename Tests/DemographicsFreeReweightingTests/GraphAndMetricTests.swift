import DemographicsFreeReweighting
import DenseLinearAlgebra
import SeededRandom
import Testing
import _TestSupport

@Suite("kNN graph, GCN propagation and group metrics")
struct GraphAndMetricTests {
  @Test func neighboursAreTheKNearestByBruteForceWithSelfExcluded() {
    var generator = TestSeed.generator(default: 3101)
    let points = gaussianMatrix(15, 3, using: &generator)
    for k in [1, 3, 14] {
      let graph = NearestNeighbourGraph(points: points, neighbourCount: k)
      for i in 0..<15 {
        let list = Array(graph.neighbours[(i * k)..<((i + 1) * k)])
        #expect(!list.contains(i) && Set(list).count == k)
        // Brute force: sort the others by the directly computed distance.
        let distance = { (j: Int) in zip(points.row(i), points.row(j)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        let expected = (0..<15).filter { $0 != i }.sorted { distance($0) < distance($1) }.prefix(k)
        #expect(list == Array(expected), "node \(i), K = \(k)")
      }
      #expect(graph.degrees.reduce(0, +) == Double(15 + 15 * k), "in-degrees sum to the B·K edges")
    }
  }

  @Test func propagationIsTheSymmetricallyNormalizedAdjacencyWithSelfLoops() {
    var generator = TestSeed.generator(default: 3102)
    let graph = NearestNeighbourGraph(points: gaussianMatrix(10, 2, using: &generator), neighbourCount: 3)
    // Independent construction: M = Aᵀ + I with A_ij = [j ∈ kNN(i)], d̂ = row sums of M,
    // Â = D̂^{-1/2} M D̂^{-1/2}.
    var m = Matrix.identity(10)
    for i in 0..<10 { for j in graph.neighbours[(i * 3)..<((i + 1) * 3)] { m[j, i] += 1 } }
    let degrees = (0..<10).map { m.row($0).reduce(0, +) }
    var expected = m
    for a in 0..<10 { for b in 0..<10 { expected[a, b] = m[a, b] / (degrees[a] * degrees[b]).squareRoot() } }
    #expect(mismatch(graph.normalizedAdjacency().elements, expected.elements, absolute: 1e-15) == nil)
    let u = (0..<10).map { _ in generator.nextStandardNormal() }
    #expect(mismatch(graph.propagate(u), expected.applied(to: u), absolute: 1e-14) == nil)
    #expect(mismatch(graph.propagateTransposed(u), expected.transposeApplied(to: u), absolute: 1e-14) == nil)
  }

  @Test func adversaryWeightsArePermutationEquivariant() {
    var generator = TestSeed.generator(default: 3103)
    let points = gaussianMatrix(12, 4, using: &generator)
    let inputs = gaussianMatrix(12, 3, using: &generator)
    let adversary = GraphAdversary(inputWidth: 3, encoderWidth: 4, leakySlope: 0.01, using: &generator)
    let weights = adversary.forward(inputs, graph: NearestNeighbourGraph(points: points, neighbourCount: 3)).weights
    var permutation = Array(0..<12)
    permutation.reverse()
    permutation.swapAt(2, 7)
    let permuted = adversary.forward(
      inputs.rows(permutation), graph: NearestNeighbourGraph(points: points.rows(permutation), neighbourCount: 3)
    ).weights
    #expect(mismatch(permuted, permutation.map { weights[$0] }, absolute: 1e-12) == nil)
  }

  @Test func metricsMatchAPairwiseBruteForceWithThreeGroups() throws {
    var generator = TestSeed.generator(default: 3104)
    let n = 300
    let groups = (0..<n).map { $0 % 3 }
    let labels = (0..<n).map { _ in Int(generator.next() % 2) }
    let predictions = (0..<n).map { _ in Int(generator.next() % 2) }
    let m = try GroupOutcomeMetrics(
      labels: labels, groups: groups, predictions: predictions, groupNames: ["a", "b", "c"], split: "test")
    func rate(_ g: Int, _ condition: (Int) -> Bool) -> Double {
      let rows = (0..<n).filter { groups[$0] == g && condition($0) }
      return Double(rows.count { predictions[$0] == 1 }) / Double(rows.count)
    }
    let tpr = (0..<3).map { g in rate(g) { labels[$0] == 1 } }
    let fpr = (0..<3).map { g in rate(g) { labels[$0] == 0 } }
    let acc = (0..<3).map { g in
      let rows = (0..<n).filter { groups[$0] == g }
      return Double(rows.count { predictions[$0] == labels[$0] }) / Double(rows.count)
    }
    var eo = 0.0
    var summed = 0.0
    for a in 0..<3 {
      for b in 0..<3 {
        eo = max(eo, abs(tpr[a] - tpr[b]), abs(fpr[a] - fpr[b]))
        summed = max(summed, abs(tpr[a] - tpr[b]) + abs(fpr[a] - fpr[b]))
      }
    }
    #expect(abs(m.worstGroupAccuracy - acc.min()!) < 1e-15)
    #expect(abs(m.accuracy - Double((0..<n).count { predictions[$0] == labels[$0] }) / Double(n)) < 1e-15)
    #expect(abs(m.equalizedOddsGap! - eo) < 1e-15)
    #expect(abs(m.summedOddsGap! - summed) < 1e-15)
    #expect(abs(m.averageOddsGap! - summed / 2) < 1e-15)
  }

  @Test func anEmptyGroupIsBadInputNamingTheGroup() {
    #expect(throws: GroupFreeError.self) {
      try GroupOutcomeMetrics(
        labels: [0, 1], groups: [0, 0], predictions: [0, 1], groupNames: ["a", "b"], split: "test")
    }
    do {
      _ = try GroupOutcomeMetrics(
        labels: [0, 1], groups: [0, 0], predictions: [0, 1], groupNames: ["a", "b"], split: "test")
    } catch {
      #expect(error.failureKind == .badInput && error.description.contains("'b'"))
    }
  }
}
