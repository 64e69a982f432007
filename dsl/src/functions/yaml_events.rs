//! libyaml's parse events, read safely: the same parser go-cty-yaml (Terraform's `yamldecode`)
//! runs, through the `unsafe-libyaml` port, so that the decoder sees what Terraform's sees —
//! each event's start mark, a scalar's style and tag — and gets the parser's own error.
//! All of the crate's `unsafe` for YAML is in this file.

use std::ffi::CStr;
use std::mem::MaybeUninit;

use unsafe_libyaml as unsafe_sys;

/// A 0-based position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Mark {
    pub(super) line: usize,
    pub(super) column: usize,
}

impl Mark {
    fn of(m: &unsafe_sys::yaml_mark_t) -> Mark {
        Mark {
            line: m.line as usize,
            column: m.column as usize,
        }
    }
}

/// One event, with owned strings (an empty tag or anchor means none).
#[derive(Debug)]
pub(super) enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        value: String,
        tag: String,
        anchor: String,
        /// Written plain (not quoted, not a block scalar).
        plain: bool,
    },
    SequenceStart {
        tag: String,
        anchor: String,
    },
    SequenceEnd,
    MappingStart {
        tag: String,
        anchor: String,
    },
    MappingEnd,
}

/// The parser's error: whether the scanner found it, libyaml's words, and its marks.
#[derive(Debug)]
pub(super) struct SyntaxError {
    pub(super) scanner: bool,
    pub(super) problem: String,
    pub(super) problem_mark: Mark,
    pub(super) context_mark: Mark,
}

/// A libyaml parser over a borrowed input.
pub(super) struct Reader<'a> {
    // Boxed so that the parser's address never changes while libyaml holds it.
    parser: Box<MaybeUninit<unsafe_sys::yaml_parser_t>>,
    initialized: bool,
    _input: &'a [u8],
}

/// A C string pointer's text ("" for null).
///
/// # Safety
/// `p` must be null or point to a NUL-terminated string.
unsafe fn text(p: *const u8) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: non-null and NUL-terminated, as libyaml guarantees for tags and anchors.
    unsafe { CStr::from_ptr(p.cast()) }
        .to_string_lossy()
        .into_owned()
}

impl<'a> Reader<'a> {
    pub(super) fn new(input: &'a [u8]) -> Reader<'a> {
        let mut reader = Reader {
            parser: Box::new(MaybeUninit::uninit()),
            initialized: false,
            _input: input,
        };
        let parser = reader.parser.as_mut_ptr();
        // SAFETY: `parser` points to writable memory for a parser; the input outlives the
        // reader (it is borrowed for 'a) and is not moved.
        unsafe {
            if unsafe_sys::yaml_parser_initialize(parser).fail {
                return reader;
            }
            reader.initialized = true;
            unsafe_sys::yaml_parser_set_encoding(parser, unsafe_sys::YAML_UTF8_ENCODING);
            unsafe_sys::yaml_parser_set_input_string(parser, input.as_ptr(), input.len() as u64);
        }
        reader
    }

    /// The next event and its start mark, or the parser's error.
    pub(super) fn next(&mut self) -> Result<(Event, Mark), SyntaxError> {
        if !self.initialized {
            return Err(SyntaxError {
                scanner: false,
                problem: "failed to initialize YAML parser".into(),
                problem_mark: Mark::default(),
                context_mark: Mark::default(),
            });
        }
        let parser = self.parser.as_mut_ptr();
        let mut event = MaybeUninit::<unsafe_sys::yaml_event_t>::uninit();
        // SAFETY: the parser was initialized; an event is only read after a successful parse
        // filled it, and deleted once copied out.
        unsafe {
            let clean = (&*parser).error == unsafe_sys::YAML_NO_ERROR;
            if !clean || unsafe_sys::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                return Err(self.error());
            }
            let ev = event.as_mut_ptr();
            let mark = Mark::of(&(*ev).start_mark);
            let out = match (*ev).type_ {
                unsafe_sys::YAML_STREAM_START_EVENT => Event::StreamStart,
                unsafe_sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
                unsafe_sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
                unsafe_sys::YAML_ALIAS_EVENT => Event::Alias {
                    anchor: text((*ev).data.alias.anchor),
                },
                unsafe_sys::YAML_SCALAR_EVENT => {
                    let s = (*ev).data.scalar;
                    let bytes = if s.value.is_null() {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(s.value, s.length as usize)
                    };
                    Event::Scalar {
                        value: String::from_utf8_lossy(bytes).into_owned(),
                        tag: text(s.tag),
                        anchor: text(s.anchor),
                        plain: s.style == unsafe_sys::YAML_PLAIN_SCALAR_STYLE,
                    }
                }
                unsafe_sys::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                    tag: text((*ev).data.sequence_start.tag),
                    anchor: text((*ev).data.sequence_start.anchor),
                },
                unsafe_sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
                unsafe_sys::YAML_MAPPING_START_EVENT => Event::MappingStart {
                    tag: text((*ev).data.mapping_start.tag),
                    anchor: text((*ev).data.mapping_start.anchor),
                },
                unsafe_sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
                _ => Event::StreamEnd,
            };
            unsafe_sys::yaml_event_delete(ev);
            Ok((out, mark))
        }
    }

    fn error(&mut self) -> SyntaxError {
        let parser = self.parser.as_mut_ptr();
        // SAFETY: the parser was initialized; its problem is a static C string or null.
        unsafe {
            let p: &unsafe_sys::yaml_parser_t = &*parser;
            let problem = text(p.problem.cast());
            SyntaxError {
                scanner: p.error == unsafe_sys::YAML_SCANNER_ERROR,
                problem: if problem.is_empty() {
                    "invalid YAML syntax".into()
                } else {
                    problem
                },
                problem_mark: Mark::of(&p.problem_mark),
                context_mark: Mark::of(&p.context_mark),
            }
        }
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if self.initialized {
            // SAFETY: initialized and not yet deleted.
            unsafe { unsafe_sys::yaml_parser_delete(self.parser.as_mut_ptr()) }
        }
    }
}
