import DenseLinearAlgebra
import FairnessModels
import SeededRandom

/// The classical interpolating construction of a one-hidden-layer ReLU network (the textbook
/// argument that `h >= F` hidden units can interpolate `F` points), used as the starting point of
/// `InterpolatingMLPMemorizer` (`Initialization.interpolating`).
///
/// Inputs (one row per record): `u = (s·z, e(ŷ), ‖(s·z, e(ŷ))‖²)`, with `z` the standardized
/// features, `s = Options.inputScale`, `e(ŷ)` the one-hot base prediction and the last column the
/// squared norm of the first `d + K` entries. Targets: the true label on `D`, the base prediction
/// elsewhere. Write `v` for the first `d + K` entries of `u`.
///
/// - **Distillation units** (`K`): unit `k` is `ReLU(e(ŷ)_k)`, 1 when the base prediction is `k`,
///   else 0, and adds 1 to logit `k`. Alone they reproduce the base prediction exactly.
/// - **Bump units** (one per *flipped* record `i` of `D`, true label `y_i` different from the base
///   prediction `b_i`): with `r_i` half the distance (in `v`) from `v_i` to the nearest record whose
///   target differs from `y_i`, the pre-activation `(r_i² − ‖v − v_i‖²)/r_i²` is affine in `u`
///   (`‖v − v_i‖² = ‖v‖² − 2 v·v_i + ‖v_i‖²`, and `‖v‖²` is an input). The unit is 1 at `v_i`,
///   positive only within `r_i` of it, and adds 2 to logit `y_i` and −2 to logit `b_i`.
///
/// Why every target is met: a record `j` inside the bump of `i` has target `y_i` (every record
/// with another target is at least `2 r_i` away), and `y_i != b_i`, so a bump only raises `j`'s
/// target logit and lowers another one. A record outside every bump has logits `e(b_j)`, and its
/// target is `b_j` unless it is flipped; a flipped record sits at the centre of its own bump:
/// logit `y_j >= 2`, logit `b_j <= 1 − 2`, the others `<= 0`. So the network predicts every
/// target, except for **conflicts**: records whose input `v` equals that of a record with a
/// different target (a record of `D` the base classifier gets wrong with the same features and base
/// prediction as a record off `D`, or two records of `D` with different labels). No function of the
/// inputs can meet both targets; a conflicting flipped record gets no unit (it keeps the base
/// prediction) and is reported.
///
/// Assumptions: the pre-activation is evaluated in its expanded form, whose rounding error is of
/// order `1e-16 · ‖v‖² / r_i²`, so records with different targets closer than about `1e-7 · ‖v‖`
/// may be predicted wrongly; the memorizer counts the predictions of the built network
/// (`MLPClassifier.predict`), it never assumes them, and trains when a target is missed.
struct InterpolatingConstruction {
  /// The network (ReLU, L2 0).
  var network: MLPClassifier

  /// The inputs `u` for standardized (and scaled) features `z` and base predictions.
  static func inputs(_ z: Matrix, basePredictions: [Int], classCount k: Int) -> Matrix {
    let d = z.columns
    let width = d + k + 1
    var elements = Array(repeating: 0.0, count: z.rows * width)
    for i in 0..<z.rows {
      var norm = 1.0  // the one-hot entry
      for j in 0..<d {
        let v = z[i, j]
        elements[i * width + j] = v
        norm += v * v
      }
      elements[i * width + d + basePredictions[i]] = 1
      elements[i * width + d + k] = norm
    }
    return Matrix(rows: z.rows, columns: width, elements: elements)
  }

  /// Records whose `v` (all input columns but the last) equals that of a record with another target.
  static func conflicts(_ u: Matrix, targets: [Int]) -> [Int] {
    var targetsByInput: [[Double]: Set<Int>] = [:]
    let columns = u.columns - 1
    func key(_ i: Int) -> [Double] { (0..<columns).map { u[i, $0] } }
    for i in 0..<u.rows { targetsByInput[key(i), default: []].insert(targets[i]) }
    return (0..<u.rows).filter { (targetsByInput[key($0)]?.count ?? 0) > 1 }
  }

  /// Builds the network for inputs `u` (from `inputs`), `targets`, the records of `D` whose label
  /// differs from the base prediction (`flipped`), with `width` hidden units (at least `K`; bump
  /// units for the first `width − K` non-conflicting flipped records, extra units zero).
  /// `conflicting` are the records `conflicts(u, targets:)` finds (computed by the caller, which
  /// reports them whatever the initialization); they get no unit.
  init(
    inputs u: Matrix, targets: [Int], basePredictions: [Int], flipped: [Int], classCount k: Int, width: Int,
    conflicting: [Int]
  ) {
    precondition(width >= k, "the construction needs at least one unit per class")
    let columns = u.columns
    let v = columns - 1  // entries of v
    let d = v - k
    let inConflict = Set(conflicting)
    let candidates = flipped.filter { !inConflict.contains($0) }
    let units = Array(candidates.prefix(width - k))
    var w1 = Array(repeating: 0.0, count: width * columns)
    var b1 = Array(repeating: 0.0, count: width)
    var w2 = Array(repeating: 0.0, count: k * width)
    for c in 0..<k {
      w1[c * columns + d + c] = 1
      w2[c * width + c] = 1
    }
    for (offset, i) in units.enumerated() {
      let unit = k + offset
      var nearest = Double.infinity
      var farthest = 0.0
      let e = u.elements
      for j in 0..<u.rows where targets[j] != targets[i] {
        var s = 0.0
        for c in 0..<v {
          let t = e[i * columns + c] - e[j * columns + c]
          s += t * t
        }
        nearest = min(nearest, s)
        farthest = max(farthest, s)
      }
      // r² = (nearest distance / 2)²; with no other target anywhere, any radius works.
      let r2 = nearest.isFinite ? nearest / 4 : 1 + farthest
      let scale = 1 / r2
      var norm = 0.0
      for c in 0..<v {
        w1[unit * columns + c] = 2 * scale * u[i, c]
        norm += u[i, c] * u[i, c]
      }
      w1[unit * columns + v] = -scale
      b1[unit] = 1 - scale * norm
      w2[targets[i] * width + unit] = 2
      w2[basePredictions[i] * width + unit] = -2
    }
    var generator = SplitMix64(seed: 0)  // overwritten below
    var net = MLPClassifier(
      featureCount: columns, hiddenWidth: width, classCount: k, activation: .relu, using: &generator)
    net.hiddenWeights = Matrix(rows: width, columns: columns, elements: w1)
    net.hiddenBiases = b1
    net.outputWeights = Matrix(rows: k, columns: width, elements: w2)
    net.outputBiases = Array(repeating: 0, count: k)
    network = net
  }
}
