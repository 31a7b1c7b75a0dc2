import Testing
import _TestSupport

@testable import LinearProgramming

/// The certificate read from GLPK's dual ray (`FarkasCertificate.ray`) against the independent
/// route, the elastic phase-one LP, on the same infeasible programs.
@Suite("Certificates from GLPK's dual ray")
struct RayCertificateTests {
  @Test("dual ray: present for most dual-simplex solves, proves what the elastic LP proves", arguments: [false, true])
  func rayAgainstElastic(roughData: Bool) throws {
    try RandomPrograms.$roughData.withValue(roughData) {
      var rng = TestSeed.generator(
        default: roughData ? 0x4C50_0014 : 0x4C50_0012, "rayAgainstElastic(roughData: \(roughData))")
      let limits = try SolverLimits(SimplexOptions())
      var fromRay = 0
      let trials = 600
      for trial in 0..<trials {
        let lp = RandomPrograms.infeasible(using: &rng)
        let model = try GLPKModel(validating: lp)
        try model.checkTriplets()
        var ray: [Double]? = nil
        let raw = try solveContinuous(model, method: .dual, presolve: false, limits: limits, readsRay: true, ray: &ray)
        guard case .infeasible = raw else {
          Issue.record("trial \(trial): expected infeasible, got \(raw)\n\(lp)")
          return
        }
        // Without a certificate to make, the tableau row is not read.
        var skipped: [Double]? = nil
        _ = try solveContinuous(model, method: .dual, presolve: false, limits: limits, readsRay: false, ray: &skipped)
        #expect(skipped == nil)
        let elastic = try #require(
          try FarkasCertificate.elastic(for: lp, limits: limits), "trial \(trial): no elastic certificate\n\(lp)")
        #expect(elastic.verify(against: lp) > 0)
        guard let ray, let certificate = FarkasCertificate.ray(ray, for: lp) else { continue }
        fromRay += 1
        let gap = certificate.verify(against: lp)
        #expect(gap > 0, "trial \(trial): ray gap \(gap)\n\(certificate)\n\(lp)")
        #expect(certificate.rowMultipliers.map(abs).max() ?? 0 <= 1 + 1e-12)
        // Public route: `solve` returns a certificate that verifies (from the ray here).
        guard case .infeasible(let attached?) = try solve(lp, options: .init(method: .dual)) else {
          Issue.record("trial \(trial): solve gave no certificate")
          return
        }
        #expect(attached.verify(against: lp) > 0)
      }
      // The shortcut must actually be taken: without a ray every certificate costs a second LP.
      print("rayAgainstElastic(roughData: \(roughData)): \(fromRay) of \(trials) certificates from the dual ray")
      #expect(fromRay * 10 >= trials * 9, "only \(fromRay) of \(trials) certificates came from the ray")
    }
  }

  @Test("no ray after an optimal solve")
  func noRayWithoutDualUnboundedness() throws {
    var rng = TestSeed.generator(default: 0x4C50_0016)
    let limits = try SolverLimits(SimplexOptions())
    for _ in 0..<200 {
      let (lp, _) = RandomPrograms.feasible(using: &rng)
      let model = try GLPKModel(validating: lp)
      try model.checkTriplets()
      var ray: [Double]? = nil
      _ = try solveContinuous(model, method: .dual, presolve: false, limits: limits, readsRay: true, ray: &ray)
      #expect(ray == nil)
    }
  }
}
