namespace Microsoft.ML.Attention.Tasks;

/// <summary>One sentence of a CoNLL file, as <see cref="ConllReader.ReadSentences"/> reads it.</summary>
/// <param name="Document">The id of the document it belongs to (the latest <c># doc = id</c> comment), or "" when the file has none before it.</param>
/// <param name="Line">The 1-based line number of its first token line.</param>
/// <param name="Fields">Per file column, the field of every token: <c>Fields[column][token]</c>.</param>
internal sealed record ConllSentence(string Document, int Line, string[][] Fields)
{
    /// <summary>The number of tokens.</summary>
    public int Length => Fields.Length == 0 ? 0 : Fields[0].Length;
}
