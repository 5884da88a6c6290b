//! How the window renders on machines without a GPU. Office PCs and virtual machines running
//! UOS, Kylin or openEuler often have no GPU render node (`/dev/dri/renderD*`); WebKitGTK then
//! renders through Mesa's software GL (llvmpipe/swrast), where the web view may come up white
//! or die on a resize (a segfault in `swrast_dri.so`). Without a render node the shell turns
//! WebKitGTK's hardware acceleration off before GTK starts:
//!
//! - `WEBKIT_DISABLE_COMPOSITING_MODE=1`: no accelerated compositing, pages painted on the CPU
//!   (from 2.44 on it is the switch that turns hardware acceleration off as a whole);
//! - `WEBKIT_SKIA_ENABLE_CPU_RENDERING=1`: Skia rasterises on the CPU (2.46 and later; older
//!   versions ignore it).
//!
//! `WEBKIT_DISABLE_DMABUF_RENDERER` is deliberately not set: since 2.44 it empties the set of
//! buffer transports, and some versions then crash at the first compositing layer instead of
//! falling back. A user's own setting of any of these variables (or `JINGDI_RENDERING=gpu` to
//! keep acceleration, `=cpu` to force the switches) is kept as it is.

/// The variables WebKitGTK reads that this decision may set or must leave to the user.
pub const WEBKIT_SWITCHES: &[(&str, &str)] =
    &[("WEBKIT_DISABLE_COMPOSITING_MODE", "1"), ("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1")];

/// Variables that show the user chose a rendering themselves.
const USER_CHOICES: &[&str] = &[
    "WEBKIT_DISABLE_COMPOSITING_MODE",
    "WEBKIT_SKIA_ENABLE_CPU_RENDERING",
    "WEBKIT_DISABLE_DMABUF_RENDERER",
    "WEBKIT_DMABUF_RENDERER_FORCE_SHM",
];

/// The switches to set at start: none when a render node exists or the user chose.
/// `var` reads the environment (a parameter, so the rule is tested without touching it).
pub fn software_rendering_switches(
    has_render_node: bool,
    var: impl Fn(&str) -> Option<String>,
) -> Vec<(&'static str, &'static str)> {
    match var("JINGDI_RENDERING").as_deref().map(str::trim) {
        Some("gpu") => return Vec::new(),
        Some("cpu") => return WEBKIT_SWITCHES.iter().filter(|(k, _)| var(k).is_none()).copied().collect(),
        _ => {}
    }
    if has_render_node || USER_CHOICES.iter().any(|k| var(k).is_some()) {
        return Vec::new();
    }
    WEBKIT_SWITCHES.to_vec()
}

/// Whether this machine has a GPU render node (Linux DRM); elsewhere WebKitGTK is not used.
pub fn has_render_node() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    std::fs::read_dir("/dev/dri")
        .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

/// The switches the shell sets before GTK starts: only when asked (`JINGDI_RENDERING=cpu`).
/// Set automatically on a machine without a render node (Xvfb here), they made WebDriver
/// commands stall for about 110 s and the e2e suite hang, where without them the same suite ran
/// normally; until starts with and without are measured on real GPU-less office machines, WebKit
/// keeps its own choice and the automatic rule above is advice, not applied.
pub fn startup_rendering_switches() -> Vec<(&'static str, &'static str)> {
    let var = |k: &str| std::env::var(k).ok();
    if var("JINGDI_RENDERING").as_deref().map(str::trim) != Some("cpu") {
        return Vec::new();
    }
    software_rendering_switches(has_render_node(), var)
}
