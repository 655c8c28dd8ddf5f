namespace Microsoft.ML.Attention;

/// <summary>A column of a CoNLL file to read with <see cref="ConllReader"/>: the data view column it becomes and the file column it reads.</summary>
/// <param name="Name">The name of the data view column: a variable-length vector of text, one value per token of the sentence.</param>
/// <param name="Index">The 0-based index of the field on each token line (0 = the word in CoNLL-2003 and in the Brown file).</param>
public sealed record ConllColumn(string Name, int Index);
