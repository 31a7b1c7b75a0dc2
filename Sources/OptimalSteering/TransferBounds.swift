import Foundation

/// The transfer bounds of Prop. 4.4 (as summarized in seed-algorithms.md §3.3) for a classifier
/// `h̃` trained on the steered law `D̃` and used on the original `D`, with `KL = KL(D̃ ‖ D)`:
///
/// - error: `|err(h̃, D) − err(h̃, D̃)| <= sqrt(2 KL)`;
/// - equal opportunity: `ΔEO(h̃, D) <= ΔEO(h̃, D̃) + sqrt(8 KL)` (the seed's `ΔEO(h̃, D) <= sqrt(8 KL)`
///   when `h̃` is exactly fair on `D̃`, as the Bayes classifiers of an ideal `D̃` are).
///
/// The error bound is Pinsker's inequality on the joint law (an error is an expectation of a
/// [0, 1] loss, so the change is at most `TV <= sqrt(KL/2)`; `sqrt(2 KL)` is looser). The
/// equal-opportunity bound compares class-conditional rates and so really involves the
/// conditional laws: `|TPR_a(D) − TPR_a(D̃)| <= sqrt(KL(D̃_{x|y,a} ‖ D_{x|y,a}) / 2)`, which the joint
/// KL does not control when a cell has little mass. ``conditionalEqualOpportunityBound`` is that
/// provable form, `ΔEO(h̃,D̃) + Σ_{a ∈ pair} sqrt(KL_ya / 2)` (maximized over the positive class and
/// group pairs); Docs/steering.md shows a population where the joint form fails.
public struct TransferBoundCheck: Sendable, Equatable, Codable {
  public var kl: Double
  public var errorOriginal: Double
  public var errorSteered: Double
  public var equalOpportunityOriginal: Double
  public var equalOpportunitySteered: Double
  /// `sqrt(2 KL)`.
  public var errorBound: Double
  /// `ΔEO(h̃, D̃) + sqrt(8 KL)`.
  public var equalOpportunityBound: Double
  /// The conditional (provable) form, when per-cell divergences are known.
  public var conditionalEqualOpportunityBound: Double?
  public var errorBoundHolds: Bool
  public var equalOpportunityBoundHolds: Bool
  public var conditionalEqualOpportunityBoundHolds: Bool?

  enum CodingKeys: String, CodingKey {
    case kl
    case errorOriginal = "error_original"
    case errorSteered = "error_steered"
    case equalOpportunityOriginal = "equal_opportunity_original"
    case equalOpportunitySteered = "equal_opportunity_steered"
    case errorBound = "error_bound"
    case equalOpportunityBound = "equal_opportunity_bound"
    case conditionalEqualOpportunityBound = "conditional_equal_opportunity_bound"
    case errorBoundHolds = "error_bound_holds"
    case equalOpportunityBoundHolds = "equal_opportunity_bound_holds"
    case conditionalEqualOpportunityBoundHolds = "conditional_equal_opportunity_bound_holds"
  }

  /// Compares measured quantities with the bounds.
  ///
  /// - Parameters:
  ///   - forwardCellKL: `KL(D̃_{x|y,a} ‖ D_{x|y,a})` per group and class, for the conditional form.
  ///   - positiveClass: the class whose true-positive rate defines ΔEO.
  public init(
    kl: Double, errorOriginal: Double, errorSteered: Double, equalOpportunityOriginal: Double,
    equalOpportunitySteered: Double, forwardCellKL: [[Double]]? = nil, positiveClass: Int = 1
  ) {
    self.kl = kl
    self.errorOriginal = errorOriginal
    self.errorSteered = errorSteered
    self.equalOpportunityOriginal = equalOpportunityOriginal
    self.equalOpportunitySteered = equalOpportunitySteered
    errorBound = (2 * kl).squareRoot()
    equalOpportunityBound = equalOpportunitySteered + (8 * kl).squareRoot()
    errorBoundHolds = abs(errorOriginal - errorSteered) <= errorBound + 1e-12
    equalOpportunityBoundHolds = equalOpportunityOriginal <= equalOpportunityBound + 1e-12
    if let cells = forwardCellKL {
      var slack = 0.0
      for a in 0..<cells.count {
        for b in (a + 1)..<max(a + 1, cells.count) {
          slack = max(slack, (cells[a][positiveClass] / 2).squareRoot() + (cells[b][positiveClass] / 2).squareRoot())
        }
      }
      conditionalEqualOpportunityBound = equalOpportunitySteered + slack
      conditionalEqualOpportunityBoundHolds = equalOpportunityOriginal <= equalOpportunitySteered + slack + 1e-12
    } else {
      conditionalEqualOpportunityBound = nil
      conditionalEqualOpportunityBoundHolds = nil
    }
  }
}
