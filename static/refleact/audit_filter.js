'use strict';
// The access log's client filter: search the holders, and filter on choosing one.
{
    const $ = django.jQuery;
    $(function() {
        $('.audit-holder-select').each(function() {
            const select = $(this);
            select.select2({
                width: '100%',
                ajax: {data: (params) => ({term: params.term, page: params.page})}
            });
            select.on('select2:select select2:clear', function() {
                if (this.value) {
                    this.form.submit();
                } else {
                    this.form.querySelectorAll('[name="holder_id"]').forEach(
                        (input) => { input.disabled = true; }
                    );
                    this.form.submit();
                }
            });
        });
    });
}
