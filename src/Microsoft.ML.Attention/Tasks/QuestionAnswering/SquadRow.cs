namespace Microsoft.ML.Attention;

/// <summary>One row of <see cref="SquadReader.Load"/>: the columns of the data view, by name and type.</summary>
internal sealed class SquadRow
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string Context { get; set; } = "";
    public string Question { get; set; } = "";
    public string Answer { get; set; } = "";
    public int AnswerStart { get; set; }
    public string[] GoldAnswers { get; set; } = [];
}
