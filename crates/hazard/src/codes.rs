//! The warning codes the tracer reports: ILLink's, with their meaning and what fails at run time,
//! and the few of our own (prefix `AOTSIM`). One table; `docs/warnings.md` is generated from it.

/// Where a code belongs, as ILLink's `DiagnosticCategory`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Trimming (IL2xxx).
    Trimming,
    /// Single-file publishing (IL30xx below 3050).
    SingleFile,
    /// Native AOT (IL3050 and above).
    Aot,
    /// Our own codes.
    Aotsim,
}

/// One warning code.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Code {
    /// `IL2026`.
    pub id: &'static str,
    /// ILLink's name for it, or ours.
    pub title: String,
    /// Its category.
    pub category: Category,
    /// What the app does at run time when the hazard is real.
    pub runtime: String,
}

impl Code {
    /// The documentation page, as ILLink computes it (`GetHelpUri`).
    pub fn help_uri(&self) -> Option<String> {
        let n = self.id.trim_start_matches("IL").to_ascii_lowercase();
        match self.category {
            Category::Trimming => Some(format!("https://learn.microsoft.com/dotnet/core/deploying/trimming/trim-warnings/il{n}")),
            Category::SingleFile => Some(format!("https://learn.microsoft.com/dotnet/core/deploying/single-file/warnings/il{n}")),
            Category::Aot => Some(format!("https://learn.microsoft.com/dotnet/core/deploying/native-aot/warnings/il{n}")),
            Category::Aotsim => None,
        }
    }
}

/// Kinds of value sources and targets of `[DynamicallyAccessedMembers]` flow, in ILLink's order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// A method parameter.
    Parameter,
    /// A method's return value.
    ReturnValue,
    /// A field.
    Field,
    /// The implicit `this`.
    This,
    /// A generic parameter.
    GenericParameter,
}

impl Place {
    /// Position in ILLink's grid.
    pub fn index(self) -> u32 {
        match self {
            Place::Parameter => 0,
            Place::ReturnValue => 1,
            Place::Field => 2,
            Place::This => 3,
            Place::GenericParameter => 4,
        }
    }

    /// Every place, in order.
    pub const ALL: [Place; 5] = [Place::Parameter, Place::ReturnValue, Place::Field, Place::This, Place::GenericParameter];

    fn words(self) -> &'static str {
        match self {
            Place::Parameter => "Parameter",
            Place::ReturnValue => "MethodReturnType",
            Place::Field => "Field",
            Place::This => "ThisParameter",
            Place::GenericParameter => "GenericParameter",
        }
    }
}

/// The code for a value of known annotation that does not satisfy a requirement:
/// IL2067 + 5 · source + target (ILLink's `DynamicallyAccessedMembersMismatch…` grid).
pub fn mismatch_code(source: Place, target: Place) -> &'static str {
    MISMATCH[(source.index() * 5 + target.index()) as usize]
}

/// The code for a value the analysis cannot follow reaching a requirement: IL2062 + target.
pub fn unknown_value_code(target: Place) -> &'static str {
    ["IL2062", "IL2063", "IL2064", "IL2065", "IL2066"][target.index() as usize]
}

const MISMATCH: [&str; 25] = [
    "IL2067", "IL2068", "IL2069", "IL2070", "IL2071", "IL2072", "IL2073", "IL2074", "IL2075", "IL2076", "IL2077", "IL2078", "IL2079",
    "IL2080", "IL2081", "IL2082", "IL2083", "IL2084", "IL2085", "IL2086", "IL2087", "IL2088", "IL2089", "IL2090", "IL2091",
];

const MEMBERS_GONE: &str = "the members the call reaches by reflection may have been trimmed: reflection returns null or \
     an empty list, and Activator.CreateInstance throws MissingMethodException";

/// Every code the tracer and the trimmer report, in numeric order.
pub fn all() -> Vec<Code> {
    let c = |id: &'static str, title: &str, category, runtime: &str| Code { id, title: title.into(), category, runtime: runtime.into() };
    let mut v = vec![
        c(
            "IL2026",
            "RequiresUnreferencedCode",
            Category::Trimming,
            "the member relies on code the trimmer may have removed: it can throw or silently miss members at run time",
        ),
        c(
            "IL2036",
            "UnresolvedTypeInDynamicDependencyAttribute",
            Category::Trimming,
            "nothing is kept for the dependency: the member it names is trimmed",
        ),
        c(
            "IL2037",
            "NoMembersResolvedForMemberSignatureOrType",
            Category::Trimming,
            "nothing is kept for the dependency: the member it names is trimmed",
        ),
        c(
            "IL2057",
            "UnrecognizedTypeNameInTypeGetType",
            Category::Trimming,
            "Type.GetType returns null when the named type was trimmed; the caller then typically fails with NullReferenceException or ArgumentNullException",
        ),
        c(
            "IL2059",
            "UnrecognizedTypeInRuntimeHelpersRunClassConstructor",
            Category::Trimming,
            "the static constructor may have been trimmed: the type's static state stays uninitialised",
        ),
        c(
            "IL2105",
            "TypeWasNotFoundInAssemblyNorBaseLibrary",
            Category::Trimming,
            "Type.GetType returns null; the caller then typically fails with NullReferenceException or ArgumentNullException",
        ),
        c("IL2121", "RedundantSuppression", Category::Trimming, "none: the suppression hides nothing"),
        c(
            "IL3002",
            "RequiresAssemblyFiles",
            Category::SingleFile,
            "in a single-file or Native AOT app there are no assembly files: Assembly.Location is empty, file-based APIs throw",
        ),
        c(
            "IL3050",
            "RequiresDynamicCode",
            Category::Aot,
            "Native AOT cannot generate code at run time: the call throws PlatformNotSupportedException or NotSupportedException, or runs interpreted and slower",
        ),
        c(
            "AOTSIM2001",
            "ExpressionTreeCompiledAtRunTime",
            Category::Aotsim,
            "Native AOT has no JIT: the expression tree is interpreted, correct but one to two orders of magnitude slower than compiled code",
        ),
        c(
            "AOTSIM2002",
            "CreateInstanceWithoutParameterlessConstructor",
            Category::Aotsim,
            "Activator.CreateInstance throws MissingMethodException: the type has no public parameterless constructor, or cannot be instantiated",
        ),
        c(
            "AOTSIM2003",
            "NullTypeReachesReflection",
            Category::Aotsim,
            "the reflection API receives null (Type.GetType found nothing): ArgumentNullException",
        ),
    ];
    for (i, place) in Place::ALL.iter().enumerate() {
        let id = ["IL2062", "IL2063", "IL2064", "IL2065", "IL2066"][i];
        let title = match place {
            Place::Parameter => "MethodParameterCannotBeStaticallyDetermined".to_string(),
            Place::ReturnValue => "MethodReturnValueCannotBeStaticallyDetermined".to_string(),
            Place::Field => "FieldValueCannotBeStaticallyDetermined".to_string(),
            Place::This => "ImplicitThisCannotBeStaticallyDetermined".to_string(),
            Place::GenericParameter => "TypePassedToGenericParameterCannotBeStaticallyDetermined".to_string(),
        };
        v.push(Code { id, title, category: Category::Trimming, runtime: MEMBERS_GONE.into() });
    }
    for source in Place::ALL {
        for target in Place::ALL {
            let source_words = if source == Place::GenericParameter { "TypeArgument" } else { source.words() };
            v.push(Code {
                id: mismatch_code(source, target),
                title: format!("DynamicallyAccessedMembersMismatch{source_words}Targets{}", target.words()),
                category: Category::Trimming,
                runtime: MEMBERS_GONE.into(),
            });
        }
    }
    v.sort_by(|a, b| (a.id.starts_with("AOTSIM"), a.id).cmp(&(b.id.starts_with("AOTSIM"), b.id)));
    v
}

/// The code `id`, if the table has it.
pub fn find(id: &str) -> Option<Code> {
    all().into_iter().find(|c| c.id == id)
}

/// The table as Markdown, the body of `docs/warnings.md`.
pub fn markdown() -> String {
    let mut s = String::from("| code | name | category | at run time |\n|---|---|---|---|\n");
    for c in all() {
        let cat = match c.category {
            Category::Trimming => "trimming",
            Category::SingleFile => "single-file",
            Category::Aot => "Native AOT",
            Category::Aotsim => "aotsim",
        };
        let id = match c.help_uri() {
            Some(u) => format!("[{}]({u})", c.id),
            None => c.id.to_string(),
        };
        s.push_str(&format!("| {id} | {} | {cat} | {} |\n", c.title, c.runtime));
    }
    s
}
