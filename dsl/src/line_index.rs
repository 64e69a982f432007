//! Byte offsets to 1-based lines and columns, as Terraform reports them (columns count
//! user-perceived characters, grapheme clusters, not bytes).

use unicode_segmentation::UnicodeSegmentation;

/// The start offset of every line of a text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

/// A position: 1-based line and column (in grapheme clusters), and the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub byte: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The position of `offset` in `text` (the text this index was built from). Offsets past
    /// the end, or inside a character, are clamped.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line.saturating_sub(1)];
        let column = text[start..offset].graphemes(true).count() + 1;
        Position {
            line,
            column,
            byte: offset,
        }
    }

    /// How many lines the text has (a text ending with a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The offset where a 1-based line starts (the text's length past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.len)
    }

    /// The byte range of a 1-based line, without its line ending.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let idx = line.saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[idx];
        let mut end = self.starts.get(idx + 1).map_or(self.len, |&s| s - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_character_columns() {
        let text = "ab\n  é\\q\r\nx";
        let index = LineIndex::new(text);
        assert_eq!(
            index.position(text, 0),
            Position {
                line: 1,
                column: 1,
                byte: 0
            }
        );
        assert_eq!(
            index.position(text, 3),
            Position {
                line: 2,
                column: 1,
                byte: 3
            }
        );
        // `é` is two bytes but one column.
        assert_eq!(
            index.position(text, 7),
            Position {
                line: 2,
                column: 4,
                byte: 7
            }
        );
        assert_eq!(index.position(text, text.len()).line, 3);
        assert_eq!(&text[index.line_range(text, 2)], "  é\\q");
        assert_eq!(&text[index.line_range(text, 3)], "x");
    }

    #[test]
    fn columns_count_grapheme_clusters_as_terraform_does() {
        // `e` + combining acute, and a thumbs-up with a skin tone: one column each.
        let text = "a = \"e\u{301}\u{1F44D}\u{1F3FD}\\q\"";
        let index = LineIndex::new(text);
        let backslash = text.find('\\').unwrap_or(0);
        assert_eq!(index.position(text, backslash).column, 8);
    }
}
