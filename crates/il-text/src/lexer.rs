//! Tokens of the text format, each with its line and column.

use crate::ParseError;

/// A position in the source, 1-based.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub col: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// A plain identifier, or `.ctor` / `.cctor`.
    Ident(String),
    /// A single-quoted identifier.
    Quoted(String),
    Int(i64),
    Str(String),
    Punct(&'static str),
    Eof,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: Pos,
    /// No whitespace between this token and the previous one.
    pub glued: bool,
}

const PUNCT: [&str; 18] = ["::", "!!", "{", "}", "(", ")", "<", ">", "[", "]", ",", ";", ":", "/", "&", "*", "|", "="];

pub(crate) fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    let mut glued = false;
    macro_rules! bump {
        () => {{
            if chars[i] == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
            i += 1;
        }};
    }
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, col };
        if c.is_whitespace() {
            bump!();
            glued = false;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                bump!();
            }
            glued = false;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            bump!();
            bump!();
            loop {
                if i >= chars.len() {
                    return Err(ParseError::at(pos, "comment is not closed (missing `*/`)"));
                }
                if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    bump!();
                    bump!();
                    break;
                }
                bump!();
            }
            glued = false;
            continue;
        }
        let was_glued = glued;
        glued = true;
        if c == '.' {
            // `.ctor` and `.cctor` are names; any other dot is punctuation.
            for special in [".cctor", ".ctor"] {
                let n = special.chars().count();
                let word: String = chars[i..chars.len().min(i + n)].iter().collect();
                let after = chars.get(i + n).copied();
                if word == special && !after.is_some_and(|a| a.is_ascii_alphanumeric() || a == '_') {
                    for _ in 0..n {
                        bump!();
                    }
                    out.push(Token { tok: Tok::Ident(special.to_string()), pos, glued: was_glued });
                    break;
                }
            }
            if matches!(out.last(), Some(Token { pos: p, .. }) if *p == pos) {
                continue;
            }
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            bump!();
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | '`' | '$' | '@')) {
                bump!();
            }
            let word: String = chars[start..i].iter().collect();
            out.push(Token { tok: Tok::Ident(word), pos, glued: was_glued });
            continue;
        }
        if c == '.' {
            bump!();
            out.push(Token { tok: Tok::Punct("."), pos, glued: was_glued });
            continue;
        }
        if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())) {
            let start = i;
            bump!();
            let hex = c == '0' && matches!(chars.get(i), Some('x') | Some('X'));
            if hex {
                bump!();
            }
            while i < chars.len() && (chars[i].is_ascii_hexdigit() || chars[i] == '_') {
                bump!();
            }
            let text: String = chars[start..i].iter().filter(|&&c| c != '_').collect();
            let value = if hex { i64::from_str_radix(&text[2..], 16).ok() } else { text.parse::<i64>().ok() };
            match value {
                Some(v) => out.push(Token { tok: Tok::Int(v), pos, glued: was_glued }),
                None => return Err(ParseError::at(pos, format!("`{text}` is not an integer that fits in 64 bits"))),
            }
            continue;
        }
        if c == '"' || c == '\'' {
            let quote = c;
            bump!();
            let mut s = String::new();
            loop {
                if i >= chars.len() || chars[i] == '\n' {
                    let what = if quote == '"' { "string" } else { "quoted name" };
                    return Err(ParseError::at(pos, format!("{what} is not closed before the end of the line")));
                }
                let ch = chars[i];
                if ch == quote {
                    bump!();
                    break;
                }
                if ch == '\\' {
                    let esc_pos = Pos { line, col };
                    bump!();
                    let Some(&e) = chars.get(i) else {
                        return Err(ParseError::at(esc_pos, "escape at the end of the input"));
                    };
                    s.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        '\\' => '\\',
                        '"' => '"',
                        '\'' => '\'',
                        other => return Err(ParseError::at(esc_pos, format!("unknown escape `\\{other}`"))),
                    });
                    bump!();
                    continue;
                }
                s.push(ch);
                bump!();
            }
            let tok = if quote == '"' { Tok::Str(s) } else { Tok::Quoted(s) };
            out.push(Token { tok, pos, glued: was_glued });
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if let Some(p) = PUNCT.iter().find(|p| rest.starts_with(**p)) {
            for _ in 0..p.len() {
                bump!();
            }
            out.push(Token { tok: Tok::Punct(p), pos, glued: was_glued });
            continue;
        }
        if c == '!' {
            bump!();
            out.push(Token { tok: Tok::Punct("!"), pos, glued: was_glued });
            continue;
        }
        return Err(ParseError::at(pos, format!("unexpected character `{}`", c.escape_debug())));
    }
    out.push(Token { tok: Tok::Eof, pos: Pos { line, col }, glued: false });
    Ok(out)
}
