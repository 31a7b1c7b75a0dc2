import DenseLinearAlgebra
import Testing

@testable import OptimalSteering

@Suite("Steering bad input")
struct SteeringBadInputTests {
  static let good = GaussianSpecification(
    groups: ["a", "b"], classes: ["n", "p"], priors: [[0.2, 0.3], [0.25, 0.25]],
    means: [[[0, 0], [1, 1]], [[0, 1], [2, 1]]],
    covariances: Array(repeating: Array(repeating: [[1, 0], [0, 1]], count: 2), count: 2))

  func field(_ mutate: (inout GaussianSpecification) -> Void) -> String? {
    var spec = Self.good
    mutate(&spec)
    do {
      _ = try GaussianModel(specification: spec)
      return nil
    } catch {
      return error.field
    }
  }

  @Test func errorsNameTheField() throws {
    #expect(field { _ in } == nil)
    #expect(field { $0.priors[1][0] = 0 } == "priors[1][0]")
    #expect(field { $0.priors[0][0] = .nan } == "priors[0][0]")
    #expect(field { $0.priors[0][0] = 0.5 } == "priors")
    #expect(field { $0.covariances[0][1] = [[1, 2], [2, 1]] } == "covariances[0][1]")
    #expect(field { $0.covariances[1][0] = [[1, 0], [0]] } == "covariances[1][0]")
    #expect(field { $0.covariances[1][1] = [[1, 0.5], [0, 1]] } == "covariances[1][1]")
    #expect(field { $0.means[1][1] = [1] } == "means[1][1]")
    #expect(field { $0.groups = ["a", "a"] } == "groups")
    #expect(field { $0.classes = ["n"] } == "classes")
    // Scales double precision cannot steer: a nearly singular covariance relative to the others,
    // and means a million standard deviations apart.
    #expect(field { $0.covariances[1][0] = [[1e-14, 0], [0, 1]] } == "covariances[1][0]")
    #expect(field { $0.means[0][1] = [1e7, 0] } == "means")
    let model = try GaussianModel(specification: Self.good)
    #expect(throws: SteeringError.self) { try SteeringSolver.solve(model, options: SteeringOptions(reference: "c")) }
    do {
      _ = try SteeringSolver.solve(model, options: SteeringOptions(reference: "c"))
    } catch {
      #expect(error.field == "reference" && error.failureKind == .badInput)
    }
  }
}
