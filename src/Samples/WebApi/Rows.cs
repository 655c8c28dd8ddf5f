using Microsoft.ML.Data;

namespace WebApi;

// The rows the prediction engines read and write: the column names of the saved models.

public sealed class SentimentRow
{
    public string Text { get; set; } = "";
}

public sealed class SentimentPrediction
{
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }
}

public sealed class QuestionRow
{
    public string Question { get; set; } = "";

    public string Context { get; set; } = "";
}

public sealed class AnswerPrediction
{
    public string Answer { get; set; } = "";

    [ColumnName("AnswerStart")]
    public int Start { get; set; }

    public float Score { get; set; }
}
