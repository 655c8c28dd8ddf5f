namespace Microsoft.ML.Attention;

/// <summary>One gold answer of a SQuAD question: its text and where it starts in the context.</summary>
/// <param name="Text">The answer text, as written in the file.</param>
/// <param name="Start">The character (UTF-16 code unit) offset of the answer in the context, as written in the file (<c>answer_start</c>).</param>
public sealed record SquadAnswer(string Text, int Start)
{
    /// <summary>
    /// Whether the answer lies inside <paramref name="context"/> at <see cref="Start"/>:
    /// <c>context.Substring(Start, Text.Length) == Text</c>, with <see cref="Start"/> and the end inside the context.
    /// </summary>
    /// <param name="context">The paragraph the answer was taken from.</param>
    public bool MatchesContext(string context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Start >= 0 && Start <= context.Length - Text.Length
            && string.CompareOrdinal(context, Start, Text, 0, Text.Length) == 0;
    }
}
