import DenseLinearAlgebra
import FairnessModels
import Influence
import SeededRandom
import Testing
import _TestSupport

@Suite("Inverse-Hessian-vector products")
struct InverseHessianTests {
  @Test func iterativeMethodsMatchExactOnLogisticRegression() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 4101)
    let problem = GroupedProblem(rows: 300, features: 4, using: &generator)
    let model = try fittedLogistic(problem.x, problem.labels, l2: 1e-2)
    let engine = try InfluenceEngine(model: model, features: problem.x, labels: problem.labels, block: .all)
    let h = model.hessian(problem.x, labels: problem.labels, weights: nil, block: .all)
    let lambdaMax = try h.symmetricEigen().eigenvalues.max()!
    let report = try engine.approximationReport(
      methods: [
        .conjugateGradient(tolerance: 1e-10, maxIterations: 100),
        .lissa(damping: 0, scale: 2 * lambdaMax, depth: 1500, repeats: 1, batchSize: 300, seed: 7),
        .lissa(damping: 0.001, scale: 2 * lambdaMax, depth: 800, repeats: 2, batchSize: 100, seed: 8),
        .diagonalFisher(damping: 1e-3),
      ], vectorCount: 3, seed: 11)
    for e in report.entries { print("[ihvp] \(e.method): rel.err \(e.relativeErrors) residual \(e.residuals)") }
    #expect(report.exactDamping == 0)
    #expect(report.entries[0].maxRelativeError < 1e-8)  // CG, tolerance 1e-10 on the residual
    #expect(report.entries[1].maxRelativeError < 1e-6)  // full-batch LiSSA, undamped, deep
    #expect(report.entries[2].maxRelativeError < 0.15)  // mini-batch LiSSA: noise + damping bias
    #expect(report.entries[3].failures.isEmpty)
  }
}
