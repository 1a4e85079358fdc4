//! Reflection API models as data: a table of API → requirement, read from a small text format
//! (`models.txt` beside this crate is the built-in table; users add their own files).

use aotsim_il::{MethodId, Program};
use aotsim_trim::dam::flags;
use aotsim_trim::{Requirement, Slot};

/// What an API needs or does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Parameter `n` is a type name resolved like `Type.GetType`.
    TypeName(u16),
    /// A `[DynamicallyAccessedMembers]` requirement on a parameter, `this` or a generic parameter.
    Requires(Slot, i64),
    /// Parameter `n` is a `RuntimeTypeHandle` whose static constructor runs.
    ClassConstructor(u16),
    /// As `[RequiresUnreferencedCode(message)]`.
    UnreferencedCode(String),
    /// As `[RequiresDynamicCode(message)]`.
    DynamicCode(String),
    /// As `[RequiresAssemblyFiles(message)]`.
    AssemblyFiles(String),
    /// A code of our own with its message.
    Own(String, String),
}

/// One line of a model file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    /// The method's display name, or `Type::Name` for every overload.
    pub method: String,
    /// What it needs.
    pub rule: Rule,
    /// `file:line` it was read from.
    pub origin: String,
}

/// A set of models, resolved against a program.
#[derive(Clone, Debug, Default)]
pub struct ApiModels {
    models: Vec<Model>,
}

/// An error in a model file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// `file:line`.
    pub at: String,
    /// What is wrong.
    pub cause: String,
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.cause)
    }
}

const BUILT_IN: &str = include_str!("../models.txt");

/// `DynamicallyAccessedMemberTypes` names joined by `|`.
pub fn parse_flags(s: &str) -> Option<i64> {
    let mut f = 0i64;
    for name in s.split('|') {
        f |= match name.trim() {
            "None" => 0,
            "PublicParameterlessConstructor" => flags::PUBLIC_PARAMETERLESS_CONSTRUCTOR,
            "PublicConstructors" => flags::PUBLIC_CONSTRUCTORS,
            "NonPublicConstructors" => flags::NON_PUBLIC_CONSTRUCTORS,
            "PublicMethods" => flags::PUBLIC_METHODS,
            "NonPublicMethods" => flags::NON_PUBLIC_METHODS,
            "PublicFields" => flags::PUBLIC_FIELDS,
            "NonPublicFields" => flags::NON_PUBLIC_FIELDS,
            "PublicNestedTypes" => flags::PUBLIC_NESTED_TYPES,
            "NonPublicNestedTypes" => flags::NON_PUBLIC_NESTED_TYPES,
            "PublicProperties" => flags::PUBLIC_PROPERTIES,
            "NonPublicProperties" => flags::NON_PUBLIC_PROPERTIES,
            "PublicEvents" => flags::PUBLIC_EVENTS,
            "NonPublicEvents" => flags::NON_PUBLIC_EVENTS,
            "Interfaces" => flags::INTERFACES,
            "All" => flags::ALL,
            _ => return None,
        };
    }
    Some(f)
}

/// The names of `f`'s flags, joined by `|` (`All` for -1).
pub fn flag_names(f: i64) -> String {
    if f == flags::ALL {
        return "All".into();
    }
    let named = [
        (flags::PUBLIC_CONSTRUCTORS, "PublicConstructors"),
        (flags::PUBLIC_PARAMETERLESS_CONSTRUCTOR, "PublicParameterlessConstructor"),
        (flags::NON_PUBLIC_CONSTRUCTORS, "NonPublicConstructors"),
        (flags::PUBLIC_METHODS, "PublicMethods"),
        (flags::NON_PUBLIC_METHODS, "NonPublicMethods"),
        (flags::PUBLIC_FIELDS, "PublicFields"),
        (flags::NON_PUBLIC_FIELDS, "NonPublicFields"),
        (flags::PUBLIC_NESTED_TYPES, "PublicNestedTypes"),
        (flags::NON_PUBLIC_NESTED_TYPES, "NonPublicNestedTypes"),
        (flags::PUBLIC_PROPERTIES, "PublicProperties"),
        (flags::NON_PUBLIC_PROPERTIES, "NonPublicProperties"),
        (flags::PUBLIC_EVENTS, "PublicEvents"),
        (flags::NON_PUBLIC_EVENTS, "NonPublicEvents"),
        (flags::INTERFACES, "Interfaces"),
    ];
    let mut left = f;
    let mut names = Vec::new();
    for (bits, name) in named {
        if left & bits == bits && bits != 0 {
            names.push(name);
            left &= !bits;
        }
    }
    if names.is_empty() {
        "None".into()
    } else {
        names.join("|")
    }
}

/// Splits a line into words, a `"quoted message"` being one word.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        if let Some(q) = rest.strip_prefix('"') {
            let end = q.find('"').ok_or("unterminated \"message\"")?;
            out.push(q[..end].to_string());
            rest = q[end + 1..].trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
    }
    Ok(out)
}

impl ApiModels {
    /// The built-in table (`models.txt`).
    pub fn built_in() -> ApiModels {
        ApiModels::parse(BUILT_IN, "models.txt (built in)").expect("the built-in models parse")
    }

    /// No models at all.
    pub fn none() -> ApiModels {
        ApiModels::default()
    }

    /// Reads a model file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<ApiModels, ModelError> {
        let mut models = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let at = format!("{file}:{}", i + 1);
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |cause: &str| ModelError { at: at.clone(), cause: cause.to_string() };
            let w = words(line).map_err(|c| bad(&c))?;
            let [method, rule, args @ ..] = w.as_slice() else { return Err(bad("expected METHOD RULE [ARGUMENTS]")) };
            let param = |s: &str| s.parse::<u16>().map_err(|_| bad(&format!("expected a parameter number, got '{s}'")));
            let one = |what: &str| match args {
                [a] => Ok(a.clone()),
                _ => Err(bad(&format!("`{rule}` takes one argument: {what}"))),
            };
            let rule = match rule.as_str() {
                "type-name" => Rule::TypeName(param(&one("a parameter number")?)?),
                "class-constructor" => Rule::ClassConstructor(param(&one("a parameter number")?)?),
                "requires" => {
                    let [which, f] = args else { return Err(bad("`requires` takes a parameter number (or `this`, or `!!N`) and flags")) };
                    let which = match which.as_str() {
                        "this" => Slot::This,
                        w if w.starts_with("!!") => Slot::GenericParam(param(&w[2..])?),
                        w => Slot::Param(param(w)?),
                    };
                    let f = parse_flags(f).ok_or_else(|| bad(&format!("unknown DynamicallyAccessedMemberTypes in '{f}'")))?;
                    Rule::Requires(which, f)
                }
                "unreferenced-code" => Rule::UnreferencedCode(one("a \"message\"")?),
                "dynamic-code" => Rule::DynamicCode(one("a \"message\"")?),
                "assembly-files" => Rule::AssemblyFiles(one("a \"message\"")?),
                "code" => {
                    let [id, msg] = args else { return Err(bad("`code` takes an id and a \"message\"")) };
                    if !id.starts_with("AOTSIM") || crate::codes::find(id).is_none() {
                        return Err(bad(&format!("'{id}' is not one of aotsim's own codes (docs/warnings.md lists them)")));
                    }
                    Rule::Own(id.clone(), msg.clone())
                }
                other => return Err(bad(&format!("unknown rule '{other}'"))),
            };
            models.push(Model { method: method.clone(), rule, origin: at });
        }
        Ok(ApiModels { models })
    }

    /// Adds the models of `other` after these.
    pub fn extend(&mut self, other: ApiModels) {
        self.models.extend(other.models);
    }

    /// The models.
    pub fn models(&self) -> &[Model] {
        &self.models
    }

    /// The rules that apply to each method of `p`, by method.
    pub fn resolve(&self, p: &Program) -> ResolvedModels {
        let mut by_method: rustc_hash::FxHashMap<MethodId, Vec<Rule>> = rustc_hash::FxHashMap::default();
        for m in &self.models {
            let (ty, rest) = m.method.split_once("::").unwrap_or((m.method.as_str(), ""));
            let Some(&t) = p.names().types_named(ty).first() else { continue };
            for &mid in &p.types[t].methods {
                let matches = if rest.contains('(') { p.method_name(mid) == m.method } else { p.methods[mid].name == rest };
                if matches {
                    by_method.entry(mid).or_default().push(m.rule.clone());
                }
            }
        }
        ResolvedModels { by_method }
    }
}

/// Models resolved against one program.
#[derive(Clone, Debug, Default)]
pub struct ResolvedModels {
    by_method: rustc_hash::FxHashMap<MethodId, Vec<Rule>>,
}

impl ResolvedModels {
    /// The rules of method `m`.
    pub fn rules(&self, m: MethodId) -> &[Rule] {
        self.by_method.get(&m).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The `[DynamicallyAccessedMembers]` requirements, for the trimmer.
    pub fn requirements(&self) -> Vec<Requirement> {
        let mut v: Vec<Requirement> = self
            .by_method
            .iter()
            .flat_map(|(&method, rules)| {
                rules.iter().filter_map(move |r| match *r {
                    Rule::Requires(slot, flags) => Some(Requirement { method, slot, flags }),
                    _ => None,
                })
            })
            .collect();
        v.sort_by_key(|r| (r.method, r.slot));
        v
    }
}
