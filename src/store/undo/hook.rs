//! SQLite's pre-update hook, for the undo log: the one place where coach
//! calls SQLite's C interface itself. rusqlite wraps this hook only behind
//! a feature that regenerates its bindings with libclang at build time;
//! the bindings it ships already declare the hook, and `.cargo/config.toml`
//! compiles it into the bundled SQLite (`SQLITE_ENABLE_PREUPDATE_HOOK`).
//!
//! Safety rests on three rules, each kept here: the callback only reads
//! (SQLite forbids using the connection from inside it); the state it is
//! handed outlives its registration ([`Hook`] unregisters before freeing
//! it); and nothing unwinds into C (a panic is caught, and drops the
//! change, which then shows as a conflict at undo time, never as a crash).
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr};

use rusqlite::ffi;
use rusqlite::types::Value;
use rusqlite::Connection;

/// What a statement is about to do to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Case {
    Insert,
    Update,
    Delete,
}

/// The row being changed, read only during the callback.
pub(super) struct Row {
    db: *mut ffi::sqlite3,
}

impl Row {
    /// The values before (update, delete).
    pub(super) fn before(&self) -> Vec<Value> {
        self.read(ffi::sqlite3_preupdate_old)
    }

    /// The values after (insert, update).
    pub(super) fn after(&self) -> Vec<Value> {
        self.read(ffi::sqlite3_preupdate_new)
    }

    fn read(
        &self,
        get: unsafe extern "C" fn(*mut ffi::sqlite3, c_int, *mut *mut ffi::sqlite3_value) -> c_int,
    ) -> Vec<Value> {
        // SAFETY: `db` is the connection whose hook is running; SQLite
        // allows these calls for the duration of the callback, and the
        // values it hands out live as long.
        unsafe {
            let count = ffi::sqlite3_preupdate_count(self.db);
            (0..count)
                .map(|i| {
                    let mut value = std::ptr::null_mut();
                    if get(self.db, i, &mut value) == ffi::SQLITE_OK && !value.is_null() {
                        to_value(value)
                    } else {
                        Value::Null
                    }
                })
                .collect()
        }
    }
}

/// An owned copy of an SQLite value. Text that is not UTF-8 (a file
/// edited by hand) is copied lossily: undo then sees a conflict.
///
/// SAFETY: `value` must be a valid `sqlite3_value`.
unsafe fn to_value(value: *mut ffi::sqlite3_value) -> Value {
    // SAFETY: the caller's.
    unsafe {
        let bytes = |p: *const u8| {
            let n = usize::try_from(ffi::sqlite3_value_bytes(value)).unwrap_or(0);
            if p.is_null() || n == 0 {
                &[][..]
            } else {
                std::slice::from_raw_parts(p, n)
            }
        };
        match ffi::sqlite3_value_type(value) {
            ffi::SQLITE_INTEGER => Value::Integer(ffi::sqlite3_value_int64(value)),
            ffi::SQLITE_FLOAT => Value::Real(ffi::sqlite3_value_double(value)),
            ffi::SQLITE_TEXT => {
                let text = bytes(ffi::sqlite3_value_text(value));
                Value::Text(String::from_utf8_lossy(text).into_owned())
            }
            ffi::SQLITE_BLOB => Value::Blob(bytes(ffi::sqlite3_value_blob(value).cast()).to_vec()),
            _ => Value::Null,
        }
    }
}

/// The callback: (what, database name, table name, the row).
type Callback = Box<dyn FnMut(Case, &str, &str, &Row)>;

/// A registered hook. Dropping it does not unregister it (the connection
/// may be gone by then): [`Hook::remove`] does, and must be called while
/// the connection is open, before the hook is dropped; a hook that is never
/// removed is leaked, never freed while SQLite may call it.
pub(super) struct Hook {
    db: *mut ffi::sqlite3,
    state: *mut Callback,
}

impl Hook {
    /// Registers `callback` on `conn`, replacing any hook it had.
    pub(super) fn install(conn: &Connection, callback: Callback) -> Hook {
        let state = Box::into_raw(Box::new(callback));
        // SAFETY: `handle` is the open connection; `state` stays valid
        // until `remove` unregisters it.
        unsafe {
            let db = conn.handle();
            ffi::sqlite3_preupdate_hook(db, Some(call), state.cast());
            Hook { db, state }
        }
    }

    /// Unregisters the hook from `conn` (the connection it was installed
    /// on, still open) and frees its state.
    pub(super) fn remove(self, conn: &Connection) {
        // SAFETY: `conn` is open, so unregistering is allowed; after it
        // SQLite no longer holds `state`, which we own again.
        unsafe {
            debug_assert_eq!(conn.handle(), self.db);
            ffi::sqlite3_preupdate_hook(conn.handle(), None, std::ptr::null_mut());
            drop(Box::from_raw(self.state));
        }
    }
}

extern "C" fn call(
    state: *mut c_void,
    db: *mut ffi::sqlite3,
    op: c_int,
    db_name: *const c_char,
    table: *const c_char,
    _old_rowid: i64,
    _new_rowid: i64,
) {
    let case = match op {
        ffi::SQLITE_INSERT => Case::Insert,
        ffi::SQLITE_UPDATE => Case::Update,
        ffi::SQLITE_DELETE => Case::Delete,
        _ => return,
    };
    // SAFETY: SQLite passes back the state registered with the hook, and
    // NUL-terminated names valid for the call.
    let (callback, db_name, table) = unsafe {
        (
            &mut *state.cast::<Callback>(),
            CStr::from_ptr(db_name).to_str().unwrap_or(""),
            CStr::from_ptr(table).to_str().unwrap_or(""),
        )
    };
    let row = Row { db };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        callback(case, db_name, table, &row)
    }));
}
