internal import CGLPK

/// The version of the GLPK library linked at run time, for example `"5.0"` (Debian 12's
/// `libglpk40`). GLPK is licensed GPL-3.0-or-later; a binary linking it is subject to the GPL.
///
/// The corresponding GLPK routine is `glp_version`.
public var glpkVersion: String {
  String(cString: glp_version())
}
