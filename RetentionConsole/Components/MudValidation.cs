using FluentValidation;

namespace RetentionConsole.Components;

/// <summary>Adapts a Core FluentValidation validator to MudForm's per-field Validation delegate.</summary>
public static class MudValidation
{
    public static Func<object, string, Task<IEnumerable<string>>> ValidateValue<T>(this IValidator<T> validator) =>
        async (model, propertyName) =>
        {
            var result = await validator.ValidateAsync(
                ValidationContext<T>.CreateWithOptions((T)model, o => o.IncludeProperties(propertyName)));
            return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
        };
}
