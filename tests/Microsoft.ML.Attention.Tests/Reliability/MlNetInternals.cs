using System.Collections;
using System.Reflection;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>
/// What a host reaches in ML.NET 5 only through internals (public through Microsoft.ML.Experimental, which is not served):
/// <c>MLContext.CancelExecution()</c> and the progress events of the context's progress tracker. Reflection, as a host would use.
/// </summary>
internal static class MlNetInternals
{
    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;

    /// <summary>Calls the internal <c>MLContext.CancelExecution()</c>.</summary>
    public static void CancelExecution(MLContext ml) =>
        (typeof(MLContext).GetMethod("CancelExecution", Any, Type.EmptyTypes) ?? throw new MissingMethodException("MLContext.CancelExecution"))
            .Invoke(ml, null);

    /// <summary>One progress event: the channel name, the metric values and the progress values (units).</summary>
    public sealed record ProgressEvent(string Name, string Kind, IReadOnlyList<string> MetricNames, double?[] Metrics, double?[] Progress);

    /// <summary>Drains the progress events of <paramref name="ml"/> (checkpoints and the current state of open channels).</summary>
    public static List<ProgressEvent> TakeProgress(MLContext ml)
    {
        object env = typeof(MLContext).GetField("_env", Any)!.GetValue(ml)!;
        object tracker = FieldUp(env.GetType(), "ProgressTracker").GetValue(env)!;
        var events = (IEnumerable)tracker.GetType().GetMethod("GetAllProgress", Any)!.Invoke(tracker, null)!;
        var result = new List<ProgressEvent>();
        foreach (object e in events)
        {
            string name = (string)e.GetType().GetField("Name", Any)!.GetValue(e)!;
            string kind = e.GetType().GetField("Kind", Any)!.GetValue(e)!.ToString()!;
            object? entry = e.GetType().GetField("ProgressEntry", Any)!.GetValue(e);
            if (entry is null)
            {
                result.Add(new ProgressEvent(name, kind, [], [], []));
                continue;
            }
            var header = (Runtime.ProgressHeader)entry.GetType().GetField("Header", Any)!.GetValue(entry)!;
            var metrics = (double?[]?)entry.GetType().GetField("Metrics", Any)!.GetValue(entry) ?? [];
            var progress = (double?[]?)entry.GetType().GetField("Progress", Any)!.GetValue(entry) ?? [];
            result.Add(new ProgressEvent(name, kind, header.MetricNames, metrics, progress));
        }
        return result;
    }

    private static FieldInfo FieldUp(Type type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.GetField(name, Any | BindingFlags.DeclaredOnly) is { } field)
                return field;
        }
        throw new MissingFieldException(type.FullName, name);
    }
}
