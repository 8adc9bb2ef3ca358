//! Which parts of a document are prose. Code, URLs, link targets, HTML tags and
//! front matter are masked: they are never tokenized, so never recognized.

use super::{Span, TextFormat};

/// Byte ranges to skip, sorted and non-overlapping.
pub fn prose_mask(text: &str, format: TextFormat) -> Vec<Span> {
    let mut masked = Vec::new();
    if format == TextFormat::Markdown {
        mask_markdown_blocks(text, &mut masked);
    }
    mask_urls(text, &mut masked);
    masked.sort();
    merge(masked)
}

fn mask_markdown_blocks(text: &str, out: &mut Vec<Span>) {
    let mut offset = 0;
    let mut fence: Option<(usize, &str)> = None;
    let mut front_matter = text.starts_with("---\n") || text.starts_with("---\r\n");
    let (mut after_blank, mut in_indented_code) = (true, false);
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        let bare = line.trim_end_matches(['\n', '\r']);
        if front_matter {
            if index > 0 && (bare == "---" || bare == "...") {
                out.push(Span::new(0, offset + line.len()));
                front_matter = false;
            }
        } else if let Some((start, marker)) = fence {
            if trimmed.starts_with(marker) {
                out.push(Span::new(start, offset + line.len()));
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some((offset, &trimmed[..3]));
        } else if (line.starts_with("    ") || line.starts_with('\t'))
            && (after_blank || in_indented_code)
            && !is_list_item(trimmed)
        {
            // Indented code: it cannot interrupt a paragraph (CommonMark),
            // and an indented list item is a nested list, not code.
            out.push(Span::new(offset, offset + line.len()));
            in_indented_code = true;
        } else {
            in_indented_code = in_indented_code && bare.trim().is_empty();
            mask_inline(line, offset, out);
        }
        after_blank = bare.trim().is_empty();
        offset += line.len();
    }
    if let Some((start, _)) = fence {
        out.push(Span::new(start, text.len()));
    }
    if front_matter {
        out.push(Span::new(0, text.len()));
    }
}

fn is_list_item(line: &str) -> bool {
    line.starts_with("- ")
        || line.starts_with("* ")
        || line.starts_with("+ ")
        || line.split_once(['.', ')']).is_some_and(|(n, rest)| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && rest.starts_with(' ')
        })
}

/// Inline code spans, link targets `](...)`, autolinks `<...>` and HTML tags.
fn mask_inline(line: &str, base: usize, out: &mut Vec<Span>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => {
                let ticks = bytes[i..].iter().take_while(|b| **b == b'`').count();
                let fence = &line[i..i + ticks];
                if let Some(close) = line[i + ticks..].find(fence) {
                    let end = i + ticks + close + ticks;
                    out.push(Span::new(base + i, base + end));
                    i = end;
                    continue;
                }
                i += ticks;
                continue;
            }
            b']' if bytes.get(i + 1) == Some(&b'(') => {
                if let Some(close) = line[i + 2..].find(')') {
                    let end = i + 2 + close + 1;
                    out.push(Span::new(base + i + 1, base + end));
                    i = end;
                    continue;
                }
            }
            b'<' => {
                let rest = &line[i + 1..];
                let is_tag = rest
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
                if is_tag {
                    if let Some(close) = rest.find('>') {
                        let end = i + 1 + close + 1;
                        out.push(Span::new(base + i, base + end));
                        i = end;
                        continue;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
}

fn mask_urls(text: &str, out: &mut Vec<Span>) {
    for prefix in ["http://", "https://", "www.", "mailto:", "ftp://"] {
        let mut from = 0;
        while let Some(found) = text[from..].find(prefix) {
            let start = from + found;
            let at_word_start = text[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let mut end = start
                + text[start..]
                    .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ')' | ']'))
                    .unwrap_or(text.len() - start);
            // A sentence-final period or comma belongs to the prose.
            while end > start && text[..end].ends_with(['.', ',', ';', ':', '!', '?']) {
                end -= 1;
            }
            if at_word_start && end > start + prefix.len() {
                out.push(Span::new(start, end));
            }
            from = end.max(start + prefix.len());
        }
    }
}

fn merge(sorted: Vec<Span>) -> Vec<Span> {
    let mut merged: Vec<Span> = Vec::with_capacity(sorted.len());
    for span in sorted {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => *last = last.cover(span),
            _ => merged.push(span),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> Vec<&str> {
        prose_mask(text, TextFormat::Markdown)
            .into_iter()
            .map(|s| s.text(text))
            .collect()
    }

    #[test]
    fn masks_code_links_and_urls() {
        let text = "See [Bamako](https://x.org/Bamako) and `Mali` here.\n```\nParis\n```\nvisit www.un.org.\n";
        assert_eq!(
            masked(text),
            vec![
                "(https://x.org/Bamako)",
                "`Mali`",
                "```\nParis\n```\n",
                "www.un.org"
            ]
        );
    }

    #[test]
    fn indented_code_only_after_a_blank_line() {
        let text = "Intro line\n    still the paragraph, Bamako\n\n    let mali = 1;\n\n- list\n    - nested Touré\n";
        assert_eq!(masked(text), vec!["    let mali = 1;\n"]);
    }
}
