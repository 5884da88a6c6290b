//! HEIC photos decoded through the system's libheif, loaded when first needed. iPhones and
//! many Android phones save HEIC; its pictures are HEVC-coded, for which no Rust decoder
//! exists, and a hard link to libheif would stop the app from starting on a machine without
//! it. So it is opened at run time (`libheif.so.1`, or the file `JINGDI_LIBHEIF` names):
//! where it is missing, HEIC photos are stored and synced as before, without thumbnails,
//! and get them when the library is installed.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

/// The most pixels a HEIC may decode to, as for JPEG and PNG (`media::render`'s limits):
/// 20,000 on a side and 512 MB of RGB.
const MAX_SIDE: i64 = 20_000;
const MAX_BYTES: i64 = 512 * 1024 * 1024;

// From libheif's heif.h (stable since 1.x).
const COLORSPACE_RGB: c_int = 1;
const CHROMA_INTERLEAVED_RGB: c_int = 10;
const CHANNEL_INTERLEAVED: c_int = 10;
const ERR_INVALID_INPUT: c_int = 2;
const ERR_UNSUPPORTED_FILETYPE: c_int = 3;
/// Also libheif's security limits (an image claiming more than 32768 pixels a side).
const ERR_MEMORY_ALLOCATION: c_int = 6;

#[repr(C)]
#[derive(Clone, Copy)]
struct HeifError {
    code: c_int,
    subcode: c_int,
    message: *const c_char,
}

type Ctx = c_void;
type Handle = c_void;
type Image = c_void;

struct Lib {
    _lib: libloading::Library,
    context_alloc: unsafe extern "C" fn() -> *mut Ctx,
    context_free: unsafe extern "C" fn(*mut Ctx),
    read_from_memory: unsafe extern "C" fn(*mut Ctx, *const c_void, usize, *const c_void) -> HeifError,
    primary_handle: unsafe extern "C" fn(*mut Ctx, *mut *mut Handle) -> HeifError,
    handle_release: unsafe extern "C" fn(*const Handle),
    handle_width: unsafe extern "C" fn(*const Handle) -> c_int,
    handle_height: unsafe extern "C" fn(*const Handle) -> c_int,
    decode: unsafe extern "C" fn(*const Handle, *mut *mut Image, c_int, c_int, *const c_void) -> HeifError,
    image_width: unsafe extern "C" fn(*const Image, c_int) -> c_int,
    image_height: unsafe extern "C" fn(*const Image, c_int) -> c_int,
    plane: unsafe extern "C" fn(*const Image, c_int, *mut c_int) -> *const u8,
    image_release: unsafe extern "C" fn(*const Image),
}

fn library_names() -> Vec<String> {
    if let Some(p) = std::env::var_os("JINGDI_LIBHEIF") {
        return vec![p.to_string_lossy().into_owned()];
    }
    if cfg!(target_os = "windows") {
        vec!["heif.dll".into(), "libheif.dll".into()]
    } else if cfg!(target_os = "macos") {
        vec![
            "libheif.1.dylib".into(),
            "/opt/homebrew/lib/libheif.1.dylib".into(),
            "/usr/local/lib/libheif.1.dylib".into(),
        ]
    } else {
        vec!["libheif.so.1".into()]
    }
}

fn load() -> Option<Lib> {
    for name in library_names() {
        // SAFETY: libheif's initialisers have no preconditions; the symbols are looked up with
        // the C signatures of heif.h, which have not changed since libheif 1.0.
        unsafe {
            let Ok(lib) = libloading::Library::new(&name) else { continue };
            macro_rules! sym {
                ($name:literal) => {
                    match lib.get(concat!($name, "\0").as_bytes()) {
                        Ok(s) => *s,
                        Err(_) => continue,
                    }
                };
            }
            // Plugins (the HEVC decoder in newer libheif) are registered by heif_init.
            if let Ok(init) = lib.get::<unsafe extern "C" fn(*const c_void) -> HeifError>(b"heif_init\0") {
                if init(std::ptr::null()).code != 0 {
                    continue;
                }
            }
            return Some(Lib {
                context_alloc: sym!("heif_context_alloc"),
                context_free: sym!("heif_context_free"),
                read_from_memory: sym!("heif_context_read_from_memory_without_copy"),
                primary_handle: sym!("heif_context_get_primary_image_handle"),
                handle_release: sym!("heif_image_handle_release"),
                handle_width: sym!("heif_image_handle_get_width"),
                handle_height: sym!("heif_image_handle_get_height"),
                decode: sym!("heif_decode_image"),
                image_width: sym!("heif_image_get_width"),
                image_height: sym!("heif_image_get_height"),
                plane: sym!("heif_image_get_plane_readonly"),
                image_release: sym!("heif_image_release"),
                _lib: lib,
            });
        }
    }
    None
}

fn lib() -> Option<&'static Lib> {
    static LIB: OnceLock<Option<Lib>> = OnceLock::new();
    LIB.get_or_init(load).as_ref()
}

/// Whether this machine can decode HEIC.
pub fn available() -> bool {
    lib().is_some()
}

/// Why a HEIC gave no picture.
#[derive(Debug)]
pub enum Failure {
    /// The file itself is wrong: damaged, not HEIF, or too large to decode.
    Broken(String),
    /// This machine cannot decode it (no libheif, or no decoder for its coding).
    CannotDecode(String),
}

/// The primary image of a HEIC, as 8-bit RGB rows, with libheif's rotation and mirroring
/// applied (HEIF carries orientation in its own boxes, not in EXIF).
pub fn decode(bytes: &[u8]) -> Result<(u32, u32, Vec<u8>), Failure> {
    let Some(l) = lib() else { return Err(Failure::CannotDecode("本机没有 HEIC 解码库 libheif".into())) };
    let fail = |e: HeifError| {
        // SAFETY: heif.h: "textual error message (is always defined, you do not have to check for NULL)".
        let text = unsafe { CStr::from_ptr(e.message) }.to_string_lossy().into_owned();
        match e.code {
            ERR_INVALID_INPUT | ERR_UNSUPPORTED_FILETYPE | ERR_MEMORY_ALLOCATION => Failure::Broken(text),
            _ => Failure::CannotDecode(text),
        }
    };
    // SAFETY: each object is released on every path below (the guards); `bytes` outlives
    // the context that reads it without copying.
    unsafe {
        let ctx = (l.context_alloc)();
        if ctx.is_null() {
            return Err(Failure::CannotDecode("libheif 无法分配内存".into()));
        }
        let _ctx = Defer(|| (l.context_free)(ctx));
        let e = (l.read_from_memory)(ctx, bytes.as_ptr().cast(), bytes.len(), std::ptr::null());
        if e.code != 0 {
            return Err(fail(e));
        }
        let mut handle = std::ptr::null_mut();
        let e = (l.primary_handle)(ctx, &mut handle);
        if e.code != 0 || handle.is_null() {
            return Err(fail(e));
        }
        let _handle = Defer(|| (l.handle_release)(handle));
        let (w, h) = (i64::from((l.handle_width)(handle)), i64::from((l.handle_height)(handle)));
        if w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE || w * h * 3 > MAX_BYTES {
            return Err(Failure::Broken(format!("图像尺寸 {w} × {h} 超出上限")));
        }
        let mut img = std::ptr::null_mut();
        let e = (l.decode)(handle, &mut img, COLORSPACE_RGB, CHROMA_INTERLEAVED_RGB, std::ptr::null());
        if e.code != 0 || img.is_null() {
            return Err(fail(e));
        }
        let _img = Defer(|| (l.image_release)(img));
        let (w, h) = ((l.image_width)(img, CHANNEL_INTERLEAVED), (l.image_height)(img, CHANNEL_INTERLEAVED));
        let mut stride: c_int = 0;
        let data = (l.plane)(img, CHANNEL_INTERLEAVED, &mut stride);
        let (Ok(w), Ok(h), Ok(stride)) = (usize::try_from(w), usize::try_from(h), usize::try_from(stride)) else {
            return Err(Failure::Broken("解码结果无效".into()));
        };
        if data.is_null() || w == 0 || h == 0 || stride < w * 3 {
            return Err(Failure::Broken("解码结果无效".into()));
        }
        let mut rgb = Vec::with_capacity(w * h * 3);
        for row in 0..h {
            rgb.extend_from_slice(std::slice::from_raw_parts(data.add(row * stride), w * 3));
        }
        Ok((w as u32, h as u32, rgb))
    }
}

/// Releases a libheif object when dropped, on every path out of [`decode`].
struct Defer<F: FnMut()>(F);

impl<F: FnMut()> Drop for Defer<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}
