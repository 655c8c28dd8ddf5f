namespace Microsoft.ML.Attention;

/// <summary>One SQuAD question with its paragraph and its gold answers, as read by <see cref="SquadReader.ReadExamples"/>.</summary>
/// <param name="Id">The question id (<c>id</c>).</param>
/// <param name="Title">The title of the article the paragraph comes from (<c>title</c>).</param>
/// <param name="Context">The paragraph (<c>context</c>).</param>
/// <param name="Question">The question (<c>question</c>).</param>
/// <param name="Answers">The gold answers in file order, duplicates kept; never empty.</param>
public sealed record SquadExample(string Id, string Title, string Context, string Question, IReadOnlyList<SquadAnswer> Answers);
