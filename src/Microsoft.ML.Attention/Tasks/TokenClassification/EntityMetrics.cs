namespace Microsoft.ML.Attention;

/// <summary>Entity-level quality of one entity type (or of all types together), as computed by <see cref="TokenClassificationEvaluator"/>.</summary>
/// <param name="Precision">Correct entities / predicted entities, in [0, 1]; 0 when nothing was predicted (conlleval's convention).</param>
/// <param name="Recall">Correct entities / gold entities, in [0, 1]; 0 when there are no gold entities.</param>
/// <param name="F1">2 P R / (P + R); 0 when P + R is 0.</param>
/// <param name="GoldCount">Entities in the gold tags.</param>
/// <param name="PredictedCount">Entities in the predicted tags.</param>
/// <param name="CorrectCount">Predicted entities whose first word, last word and type equal a gold entity's.</param>
public sealed record EntityMetrics(double Precision, double Recall, double F1, int GoldCount, int PredictedCount, int CorrectCount)
{
    internal static EntityMetrics Of(int gold, int predicted, int correct)
    {
        double precision = predicted == 0 ? 0 : (double)correct / predicted;
        double recall = gold == 0 ? 0 : (double)correct / gold;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new EntityMetrics(precision, recall, f1, gold, predicted, correct);
    }
}
