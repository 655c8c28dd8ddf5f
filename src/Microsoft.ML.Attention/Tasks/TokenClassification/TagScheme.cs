namespace Microsoft.ML.Attention;

/// <summary>
/// How per-word tags mark entity spans. Tags are <c>O</c> (outside any entity) or a prefix, a hyphen and the entity type
/// (<c>B-PER</c>, <c>I-LOC</c>); the type is everything after the first hyphen.
/// </summary>
/// <remarks>
/// Spans are read with the CoNLL <c>conlleval</c> rules as seqeval's default (lenient) mode extends them to <c>E-</c> and <c>S-</c>: a
/// chunk starts at <c>B-</c> or <c>S-</c>, at an <c>I-</c> or <c>E-</c> after <c>O</c>, <c>E-</c> or <c>S-</c>, and wherever the type
/// changes; it ends before <c>B-</c>, <c>S-</c> or <c>O</c>, after <c>E-</c> or <c>S-</c>, and wherever the type changes. So an
/// <c>I-X</c> after <c>O</c> starts an entity under every scheme (IOB1's rule, and conlleval's lenient reading of IOB2), and IOB1 and
/// IOB2 tags give the same spans; the schemes differ in the prefixes they accept.
/// </remarks>
public enum TagScheme
{
    /// <summary>Plain labels with no spans (part-of-speech tags): only token accuracy is measured, and a hyphen has no meaning.</summary>
    None = 0,

    /// <summary>IOB2 (BIO): every entity starts with <c>B-</c> and continues with <c>I-</c>; prefixes <c>B</c>, <c>I</c>, <c>O</c>.</summary>
    Iob2 = 1,

    /// <summary>IOB1: entities are runs of <c>I-</c>; <c>B-</c> only starts an entity right after another of the same type. Prefixes <c>B</c>, <c>I</c>, <c>O</c>.</summary>
    Iob1 = 2,

    /// <summary>BIOES (BILOU): <c>B-</c> begin, <c>I-</c> inside, <c>E-</c> end, <c>S-</c> single-word entity; prefixes <c>B</c>, <c>I</c>, <c>O</c>, <c>E</c>, <c>S</c>.</summary>
    Bioes = 3,
}
