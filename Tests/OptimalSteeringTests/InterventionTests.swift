import DenseLinearAlgebra
import Foundation
import SeededRandom
import Testing
import _TestSupport

@testable import OptimalSteering

@Suite("Steering interventions")
struct InterventionTests {
  /// The univariate closed form against a direct numerical minimization of the summed KL over
  /// (γ, c): nested golden-section searches on the plain KL formula.
  @Test(arguments: KLDirection.allCases)
  func univariateClosedFormMatchesNumericalMinimization(direction: KLDirection) throws {
    var rng = TestSeed.generator(default: 2002)
    for _ in 0..<8 {
      let model = try randomModel(d: 1, using: &rng)
      let options = SteeringOptions(intervention: .affirmative, reference: "g1", direction: direction, priors: .keep)
      let result = try SteeringSolver.solve(model, options: options)
      let gamma = try #require(result.gamma[0])
      let offset = try #require(result.offsets[0])[0]
      let w = model.priors[0]
      func best(_ g: Double) throws -> (Double, Double) {
        let c = try goldenMinimum(-30, 30) { c in
          try affineObjective(
            model, moved: 0, reference: 1, weights: w, gamma: Matrix(diagonal: [g]), offset: [c], direction: direction)
        }
        return (
          c,
          try affineObjective(
            model, moved: 0, reference: 1, weights: w, gamma: Matrix(diagonal: [g]), offset: [c], direction: direction)
        )
      }
      let logGamma = try goldenMinimum(-5, 5, tolerance: 1e-9) { try best(exp($0)).1 }
      let numeric = exp(logGamma)
      #expect(abs(gamma - numeric) <= 1e-6 * max(1, gamma), "γ closed form \(gamma) vs numeric \(numeric)")
      #expect(abs(offset - (try best(numeric).0)) <= 1e-5 * max(1, abs(offset)))
      // The Newton solver (scalar Γ in d = 1) agrees with the closed form.
      let program = try newtonProgram(model, direction: direction, structure: .scalar)
      let solved = try program.solve()
      let newtonGamma = direction == .forward ? solved.gamma[0, 0] : 1 / solved.gamma[0, 0]
      #expect(abs(newtonGamma - gamma) <= 1e-8 * max(1, gamma))
      // The report's KL is the program's objective (priors kept: KL = Σ q KL of moved cells).
      let objective = try affineObjective(
        model, moved: 0, reference: 1, weights: w, gamma: Matrix(diagonal: [gamma]), offset: [offset],
        direction: direction)
      #expect(abs(result.kl - objective) <= 1e-12 * max(1, objective))
    }
  }

  func newtonProgram(_ model: GaussianModel, direction: KLDirection, structure: ScaleStructure) throws
    -> AffineKLProgram
  {
    var terms: [AffineTerm] = []
    let d = model.dimension
    for y in 0..<model.classCount {
      let (s, t) = direction == .forward ? (1, 0) : (0, 1)
      terms.append(
        AffineTerm(
          weight: model.priors[0][y], a: try model.covariances[t][y].cholesky().solve(.identity(d)).symmetrized(),
          b: model.covariances[s][y], source: model.means[s][y], target: model.means[t][y]))
    }
    return AffineKLProgram(terms: terms, structure: structure, dimension: d)
  }

  /// The convex program's optimum: no feasible (symmetric positive definite) perturbation of Γ
  /// within the structure, with c re-optimized or perturbed too, lowers the KL.
  @Test(arguments: [ScaleStructure.full, .diagonal, .scalar], KLDirection.allCases)
  func newtonOptimumSurvivesPerturbations(structure: ScaleStructure, direction: KLDirection) throws {
    var rng = TestSeed.generator(default: 3003)
    for _ in 0..<3 {
      let model = try randomModel(d: 3, classes: 3, using: &rng)
      let result = try SteeringSolver.solve(
        model,
        options: SteeringOptions(reference: "g1", direction: direction, scale: structure, priors: .keep))
      let gamma = try #require(result.scales[0])
      let offset = try #require(result.offsets[0])
      let summary = try #require(result.newton[0])
      #expect(summary.gradientNorm <= summary.tolerance)
      let w = model.priors[0]
      let optimum = try affineObjective(
        model, moved: 0, reference: 1, weights: w, gamma: gamma, offset: offset, direction: direction)
      #expect(abs(optimum - result.kl) <= 1e-10 * max(1, optimum))
      for scale in [1e-4, 1e-2, 1e-1] {
        for _ in 0..<40 {
          var e = Matrix(rows: 3, columns: 3)
          for i in 0..<3 {
            for j in i..<3 {
              let allowed = structure == .full || (i == j && structure == .diagonal)
              if allowed {
                e[i, j] = rng.nextStandardNormal()
                e[j, i] = e[i, j]
              }
            }
          }
          if structure == .scalar { e = Matrix.identity(3).scaled(by: rng.nextStandardNormal()) }
          let candidate = gamma.adding(e.scaled(by: scale))
          guard (try? candidate.cholesky()) != nil else { continue }
          let shifted = offset.map { $0 + scale * rng.nextStandardNormal() }
          let value = try affineObjective(
            model, moved: 0, reference: 1, weights: w, gamma: candidate, offset: shifted, direction: direction)
          #expect(value >= optimum - 1e-12 * max(1, optimum), "perturbation \(scale) lowered KL: \(value) < \(optimum)")
        }
      }
    }
  }

  /// Nested families: full Γ reaches at most the KL of diagonal Γ, which reaches at most scalar Γ;
  /// in 1-D all-subgroup (which contains affirmative action) reaches at most affirmative action.
  @Test func nestedFamiliesOrderTheirOptima() throws {
    var rng = TestSeed.generator(default: 4004)
    for _ in 0..<3 {
      let model = try randomModel(d: 3, using: &rng)
      let kls = try [ScaleStructure.full, .diagonal, .scalar].map { s in
        try SteeringSolver.solve(model, options: SteeringOptions(reference: "g1", scale: s, priors: .keep)).kl
      }
      #expect(kls[0] <= kls[1] + 1e-12 && kls[1] <= kls[2] + 1e-12, "\(kls)")
    }
    for direction in KLDirection.allCases {
      for _ in 0..<4 {
        let model = try randomModel(d: 1, using: &rng)
        let affirmative = try SteeringSolver.solve(
          model, options: SteeringOptions(reference: "g1", direction: direction, priors: .keep))
        let all = try SteeringSolver.solve(
          model,
          options: SteeringOptions(intervention: .allSubgroup, reference: "g1", direction: direction, priors: .keep))
        #expect(all.kl <= affirmative.kl + 1e-10, "all-subgroup \(all.kl) > affirmative \(affirmative.kl)")
      }
    }
  }

  /// The all-subgroup line search against a dense scan of γ (the inner closed forms are the
  /// program's; the scan checks the outer search).
  @Test(arguments: KLDirection.allCases)
  func allSubgroupLineSearchMatchesDenseScan(direction: KLDirection) throws {
    var rng = TestSeed.generator(default: 5005)
    let model = try randomModel(d: 2, using: &rng)
    let program = AllSubgroupProgram(model: model, weights: model.priors, reference: 1, direction: direction)
    let fit = try program.solve()
    var scanned = Double.infinity
    for i in 0...2000 {
      let u = -4 + 8 * Double(i) / 2000
      scanned = min(scanned, try program.fit([u, 0]).objective)
    }
    #expect(fit.objective <= scanned + 1e-12)
    // And the reported KL is the objective (priors kept).
    let result = try SteeringSolver.solve(
      model, options: SteeringOptions(intervention: .allSubgroup, reference: "g1", direction: direction, priors: .keep))
    #expect(abs(result.kl - fit.objective) <= 1e-10 * max(1, fit.objective))
  }

  /// Prior projection: the projected priors have equal base rates, and (forward) the joint KL is
  /// no larger than with the reference group's base rates or Kamiran-Calders priors.
  @Test func priorProjectionIsKLOptimalAmongTheTreatments() throws {
    var rng = TestSeed.generator(default: 6006)
    for _ in 0..<3 {
      let model = try randomModel(d: 2, using: &rng)
      for direction in KLDirection.allCases {
        let projected = try SteeringSolver.solve(
          model, options: SteeringOptions(reference: "g1", direction: direction, priors: .project))
        let reference = try SteeringSolver.solve(
          model, options: SteeringOptions(reference: "g1", direction: direction, priors: .reference))
        #expect(projected.kl <= reference.kl + 1e-12)
        let rates = projected.steered.baseRates
        #expect(mismatch(rates[0], rates[1], absolute: 1e-12) == nil)
        if direction == .reverse {
          // Reverse: exactly the product of the marginals.
          let groupMass = model.priors.map { $0.reduce(0, +) }
          let classMass = (0..<2).map { y in model.priors.reduce(0) { $0 + $1[y] } }
          #expect(mismatch(projected.steered.priors[0], classMass.map { groupMass[0] * $0 }, absolute: 1e-14) == nil)
        }
      }
    }
  }

  /// Baselines: mean matching moves only the means; mean+covariance matching copies the
  /// reference's class-conditionals; the reference group never moves.
  @Test func baselinesMoveWhatTheySay() throws {
    var rng = TestSeed.generator(default: 7007)
    let model = try randomModel(d: 2, using: &rng)
    let mean = try SteeringSolver.solve(model, options: SteeringOptions(intervention: .mean, reference: "g1"))
    let both = try SteeringSolver.solve(model, options: SteeringOptions(intervention: .meanCovariance, reference: "g1"))
    for y in 0..<2 {
      #expect(mean.steered.means[0][y] == model.means[1][y])
      #expect(mean.steered.covariances[0][y] == model.covariances[0][y])
      #expect(both.steered.covariances[0][y] == model.covariances[1][y])
      #expect(both.steered.means[1][y] == model.means[1][y] && both.maps[1][y] == .identity(2))
    }
  }
}
