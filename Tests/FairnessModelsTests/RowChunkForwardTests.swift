import Testing
import _TestSupport

@testable import DenseLinearAlgebra
@testable import FairnessModels

/// The MLP forward pass split into row chunks (more than one thread) agrees with the serial pass.
@Suite("Row-chunked MLP forward pass")
struct RowChunkForwardTests {
  func normwiseDifference(_ a: [Double], _ b: [Double]) -> Double {
    #expect(a.count == b.count)
    return (zip(a, b).map { abs($0 - $1) }.max() ?? 0) / max(VectorMath.maxAbsoluteValue(b), .leastNormalMagnitude)
  }

  @Test(arguments: Activation.allCases)
  func chunkedForwardPassMatchesSerial(_ activation: Activation) {
    var generator = TestSeed.generator(default: 7201, "chunkedForwardPassMatchesSerial(\(activation))")
    let data = SyntheticData(rows: 5_001, features: 6, classes: 3, using: &generator)
    var mlp = MLPClassifier(
      featureCount: 6, hiddenWidth: 11, classCount: 3, activation: activation, l2Strength: 1e-2, using: &generator)
    mlp.hiddenBiases = (0..<11).map { _ in 0.3 * generator.nextStandardNormal() }
    mlp.outputBiases = (0..<3).map { _ in 0.3 * generator.nextStandardNormal() }
    for keep in [false, true] {
      let serial = RowChunks.$threadCountOverride.withValue(1) { mlp.forward(data.x, keepingPreActivations: keep) }
      for threads in [2, 3] {
        let chunked = RowChunks.$threadCountOverride.withValue(threads) {
          mlp.forward(data.x, keepingPreActivations: keep)
        }
        let label = "\(activation) keep \(keep) threads \(threads)"
        #expect(normwiseDifference(chunked.preActivations, serial.preActivations) <= 1e-12 || !keep, "\(label)")
        #expect(chunked.preActivations.count == serial.preActivations.count, "\(label)")
        #expect(normwiseDifference(chunked.hidden.elements, serial.hidden.elements) <= 1e-12, "\(label)")
        #expect(normwiseDifference(chunked.logits, serial.logits) <= 1e-12, "\(label)")
        #expect(normwiseDifference(chunked.probabilities, serial.probabilities) <= 1e-12, "\(label)")
        #expect(normwiseDifference(chunked.logNormalizers, serial.logNormalizers) <= 1e-12, "\(label)")
      }
    }
    // The public entry points built on the pass.
    let hessian = { mlp.hessian(data.x, labels: data.labels, weights: data.weights, block: .lastLayer) }
    let serialH = RowChunks.$threadCountOverride.withValue(1) { hessian() }
    let chunkedH = RowChunks.$threadCountOverride.withValue(2) { hessian() }
    #expect(normwiseDifference(chunkedH.elements, serialH.elements) <= 1e-12, "\(activation) last-layer Hessian")
  }

  /// Chunks of 1,025 rows end in a block of one row (dgemv shapes), here with one hidden unit too.
  @Test func chunkedForwardPassWithOneRowBlocksAndOneHiddenUnitMatchesSerial() {
    var generator = TestSeed.generator(default: 7202)
    let data = SyntheticData(rows: 2_050, features: 4, classes: 2, using: &generator)
    for hidden in [1, 3] {
      let mlp = MLPClassifier(featureCount: 4, hiddenWidth: hidden, classCount: 2, activation: .selu, using: &generator)
      for keep in [false, true] {
        let serial = RowChunks.$threadCountOverride.withValue(1) { mlp.forward(data.x, keepingPreActivations: keep) }
        let chunked = RowChunks.$threadCountOverride.withValue(2) { mlp.forward(data.x, keepingPreActivations: keep) }
        #expect(
          normwiseDifference(chunked.hidden.elements, serial.hidden.elements) <= 1e-12, "hidden \(hidden) keep \(keep)")
        #expect(
          normwiseDifference(chunked.probabilities, serial.probabilities) <= 1e-12, "hidden \(hidden) keep \(keep)")
        #expect(chunked.probabilities.allSatisfy { $0.isFinite })
      }
    }
  }
}
